use sea_orm::entity::prelude::*;

// `Debug` is written by hand below so the password hash is never printed.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// As the user typed it.
    pub username: String,
    /// Lowercase form, unique: usernames are unique ignoring case.
    #[sea_orm(unique)]
    pub username_key: String,
    /// A PHC string (Argon2id). Never logged: read it through
    /// `server::auth::password::PasswordHash`, which has no `Debug`.
    pub password_hash: String,
    pub is_active: bool,
    pub created_at: DateTimeWithTimeZone,
    pub last_login_at: Option<DateTimeWithTimeZone>,
    /// Bumped by a password change; sessions of an older epoch are ended.
    pub session_epoch: i32,
    /// Id of the row in an imported Django database.
    pub legacy_id: Option<i64>,
    pub is_admin: bool,
    /// Bytes this user may store; `None`: the server's `DEFAULT_QUOTA`.
    pub quota_bytes: Option<i64>,
    /// The TOTP secret, base32; `None` while two-factor login is off.
    /// Never logged (the hand-written `Debug` below).
    pub totp_secret: Option<String>,
    /// The last TOTP time step a code was accepted for: a code is never
    /// accepted twice.
    pub totp_last_step: Option<i64>,
    /// Images in the gallery (not the trash), kept by the database's own
    /// triggers (migration `keep_gallery_counts`); never written by the app.
    pub image_count: i64,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("user::Model")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("password_hash", &"<redacted>")
            .field("is_active", &self.is_active)
            .field("created_at", &self.created_at)
            .field("last_login_at", &self.last_login_at)
            .field("session_epoch", &self.session_epoch)
            .field("legacy_id", &self.legacy_id)
            .field("is_admin", &self.is_admin)
            .field("quota_bytes", &self.quota_bytes)
            .field("two_factor", &self.totp_secret.is_some())
            .finish()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::image::Entity")]
    Image,
}

impl Related<super::image::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Image.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
