//! The activity log: logins, password and two-factor changes, shares,
//! deletions and admin actions, kept for `AUDIT_DAYS`. `user_id` is whose
//! account the entry is about, `actor_id` who did it (an admin, or the user
//! themselves); both are cleared when that user is deleted, and `username`
//! keeps the name the entry was written under.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Activity::Table)
                    .if_not_exists()
                    .col(pk_auto(Activity::Id))
                    .col(integer_null(Activity::UserId))
                    .col(integer_null(Activity::ActorId))
                    .col(string_len(Activity::Username, 150))
                    .col(string_len(Activity::Kind, 40))
                    .col(string_len(Activity::Detail, 300).default(""))
                    .col(string_len_null(Activity::Address, 45))
                    .col(timestamp_with_time_zone(Activity::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_activity_user")
                            .from(Activity::Table, Activity::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_activity_actor")
                            .from(Activity::Table, Activity::ActorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_activity_user_time",
                vec![Activity::UserId, Activity::CreatedAt],
            ),
            ("idx_activity_time", vec![Activity::CreatedAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Activity::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Activity::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Activity {
    Table,
    Id,
    UserId,
    ActorId,
    Username,
    Kind,
    Detail,
    Address,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
