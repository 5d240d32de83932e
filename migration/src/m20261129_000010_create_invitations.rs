//! Invitations to sign up (`SIGNUP=invite`): like share links, the token's
//! SHA-256 and the nonce it is made from under the server's key are kept,
//! never the token. An invitation allows `max_uses`
//! sign-ups until `expires_at`; `uses` counts them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .if_not_exists()
                    .col(pk_auto(Invitations::Id))
                    .col(string_len_uniq(Invitations::TokenHash, 64))
                    .col(string_len(Invitations::TokenNonce, 64))
                    .col(integer_null(Invitations::CreatedBy))
                    .col(timestamp_with_time_zone(Invitations::CreatedAt))
                    .col(timestamp_with_time_zone_null(Invitations::ExpiresAt))
                    .col(integer(Invitations::MaxUses).default(1))
                    .col(integer(Invitations::Uses).default(0))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invitations_created_by")
                            .from(Invitations::Table, Invitations::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Invitations::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    TokenHash,
    TokenNonce,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    MaxUses,
    Uses,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
