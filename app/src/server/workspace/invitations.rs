//! Invitations: an admin invites an address with a role; the mailed link lets the invitee join,
//! either creating their account or confirming the one they have. The link's token is the
//! credential, works once, and expires; only its hash is stored.

use sqlx::Row;

use crate::model::{
    InvitationId, InvitationPreview, PendingInvitation, RoleId, UserId, WorkspaceId,
};
use crate::permissions::keys;
use crate::server::access::grants::{self, Grant};
use crate::server::identity::accounts::{DisplayName, EmailAddress};
use crate::server::identity::authentication::SignedIn;
use crate::server::identity::email_tokens::{fresh, hash};
use crate::server::identity::passwords::{Hasher, Password, Verified};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Invitation links work for a week.
pub const INVITATION_TTL_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// A sent (or re-sent) invitation: where to mail the link and the token it carries.
pub struct Sent {
    pub id: InvitationId,
    pub email: String,
    pub workspace_name: String,
    pub role: String,
    pub token: String,
}

crate::redacted_debug!(Sent {
    id,
    email,
    workspace_name,
    role
});

/// What the invite form sends.
#[derive(Debug)]
pub struct Invite {
    pub email: String,
    pub role_id: String,
}

fn expired_or_used() -> DomainError {
    DomainError::invalid(
        "token",
        "This invitation has expired, was revoked or was already used. Ask for a new one.",
    )
}

/// Invites `input.email` into the grant's workspace. Needs `team.write`; the inviter's own
/// address must be confirmed, and only an Owner may invite someone as Owner.
pub async fn invite(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    inviter_email_verified: bool,
    input: Invite,
) -> Result<Sent, DomainError> {
    if !inviter_email_verified {
        return Err(DomainError::Conflict(
            "Confirm your own email address before inviting others: follow the link we sent you."
                .into(),
        ));
    }
    let email = EmailAddress::parse(&input.email)?;
    // It reads, then writes: SQLite's write lock is taken up front, or a write committed by
    // another connection in between fails the insert ("database is locked").
    let mut tx = grant.begin(db, true).await?;
    let role = sqlx::query(
        "SELECT r.id, r.name, r.base_role, w.name AS workspace_name FROM roles r \
         JOIN workspaces w ON w.id = r.workspace_id WHERE r.workspace_id = $1 AND r.id = $2",
    )
    .bind(grant.workspace().as_str())
    .bind(input.role_id.trim())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| DomainError::invalid("role_id", "Choose a role from the list."))?;
    let base: Option<String> = role.try_get("base_role")?;
    if base.as_deref() == Some("owner")
        && !grants::is_owner(&mut tx, clock, grant.workspace(), grant.user()).await?
    {
        return Err(DomainError::invalid(
            "role_id",
            "Only an Owner can invite someone as Owner.",
        ));
    }
    // An invitation hands out its role: the same no-escalation check as any assignment.
    let role_id: String = role.try_get("id")?;
    crate::server::access::role_editor::may_hand_out(db, clock, grant, &role_id, "role_id").await?;
    let member = sqlx::query(
        "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 AND u.email_key = $2",
    )
    .bind(grant.workspace().as_str())
    .bind(email.key())
    .fetch_optional(&mut *tx)
    .await?;
    if member.is_some() {
        return Err(DomainError::invalid(
            "email",
            "This person is already a member of the workspace.",
        ));
    }
    let id = InvitationId::fresh();
    let token = fresh();
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO invitations (id, workspace_id, email, email_key, role_id, token_hash, \
         invited_by, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(email.as_str())
    .bind(email.key())
    .bind(&role_id)
    .bind(hash(&token))
    .bind(grant.user().as_str())
    .bind(now + INVITATION_TTL_MS)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        DomainError::on_unique(e, || {
            DomainError::invalid(
                "email",
                "This address already has an open invitation. Resend it from the list below.",
            )
        })
    })?;
    let change = crate::server::access::audit::Change {
        action: "invitation.create",
        target: id.as_str(),
        before: None,
        after: Some(serde_json::json!({ "email": email.as_str(), "role_id": role_id })),
    };
    crate::server::access::audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(Sent {
        id,
        email: email.as_str().to_owned(),
        workspace_name: role.try_get("workspace_name")?,
        role: role.try_get("name")?,
        token,
    })
}

/// Open invitations of the grant's workspace, newest first. Needs `team.read`.
pub async fn list_pending(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamRead>,
) -> Result<Vec<PendingInvitation>, DomainError> {
    let now = clock.now_ms();
    let rows = sqlx::query(
        "SELECT i.id, i.email, r.name AS role, u.display_name AS invited_by, i.expires_at \
         FROM invitations i JOIN roles r ON r.workspace_id = i.workspace_id AND r.id = i.role_id \
         LEFT JOIN users u ON u.id = i.invited_by \
         WHERE i.workspace_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL \
         ORDER BY i.created_at DESC, i.id LIMIT 500",
    )
    .bind(grant.workspace().as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let expires_at_ms: i64 = row.try_get("expires_at")?;
            Ok(PendingInvitation {
                id: InvitationId::from_db(row.try_get("id")?),
                email: row.try_get("email")?,
                role: row.try_get("role")?,
                invited_by: row.try_get("invited_by")?,
                expires_at_ms,
                expired: expires_at_ms <= now,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DomainError::from)
}

/// Gives an open invitation a new link and a new week; the old link stops working. Needs
/// `team.write`.
pub async fn resend(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    id: &InvitationId,
) -> Result<Sent, DomainError> {
    let id = id.as_str();
    let token = fresh();
    let now = clock.now_ms();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE invitations SET token_hash = $1, expires_at = $2 \
         WHERE id = $3 AND workspace_id = $4 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(hash(&token))
    .bind(now + INVITATION_TTL_MS)
    .bind(id)
    .bind(grant.workspace().as_str())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound);
    }
    let row = sqlx::query(
        "SELECT i.email, r.name AS role, w.name AS workspace_name FROM invitations i \
         JOIN roles r ON r.workspace_id = i.workspace_id AND r.id = i.role_id \
         JOIN workspaces w ON w.id = i.workspace_id WHERE i.id = $1 AND i.workspace_id = $2",
    )
    .bind(id)
    .bind(grant.workspace().as_str())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Sent {
        id: InvitationId::from_db(id.to_owned()),
        email: row.try_get("email")?,
        workspace_name: row.try_get("workspace_name")?,
        role: row.try_get("role")?,
        token,
    })
}

/// Withdraws an open invitation; its link stops working. Needs `team.write`.
pub async fn revoke(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    id: &InvitationId,
) -> Result<(), DomainError> {
    let id = id.as_str();
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = $1 \
         WHERE id = $2 AND workspace_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(clock.now_ms())
    .bind(id)
    .bind(grant.workspace().as_str())
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound);
    }
    Ok(())
}

/// An open, unexpired invitation found by its link's token.
struct Open {
    id: String,
    workspace_id: WorkspaceId,
    workspace_name: String,
    email: String,
    email_key: String,
    role_id: RoleId,
    role: String,
    invited_by: Option<String>,
}

async fn find_open(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    token: &str,
) -> Result<Open, DomainError> {
    if token.is_empty() || token.len() > 100 {
        return Err(expired_or_used());
    }
    let row = sqlx::query(
        "SELECT i.id, i.workspace_id, w.name AS workspace_name, i.email, i.email_key, i.role_id, \
                r.name AS role, u.display_name AS invited_by \
         FROM invitations i JOIN workspaces w ON w.id = i.workspace_id \
         JOIN roles r ON r.workspace_id = i.workspace_id AND r.id = i.role_id \
         LEFT JOIN users u ON u.id = i.invited_by \
         WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL \
           AND i.expires_at > $2",
    )
    .bind(hash(token))
    .bind(clock.now_ms())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(expired_or_used)?;
    Ok(Open {
        id: row.try_get("id")?,
        workspace_id: WorkspaceId::from_db(row.try_get("workspace_id")?),
        workspace_name: row.try_get("workspace_name")?,
        email: row.try_get("email")?,
        email_key: row.try_get("email_key")?,
        role_id: RoleId::from_db(row.try_get("role_id")?),
        role: row.try_get("role")?,
        invited_by: row.try_get("invited_by")?,
    })
}

async fn user_by_email_key(
    conn: &mut sqlx::AnyConnection,
    key: &str,
) -> Result<Option<(UserId, String)>, DomainError> {
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email_key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| {
        Ok((
            UserId::from_db(r.try_get("id")?),
            r.try_get("password_hash")?,
        ))
    })
    .transpose()
}

/// What the link shows. The token is the credential, so no sign-in is needed.
pub async fn preview(
    db: &Db,
    clock: &Clock,
    token: &str,
) -> Result<InvitationPreview, DomainError> {
    let mut conn = db.pool().acquire().await?;
    let open = find_open(&mut conn, clock, token).await?;
    let has_account = user_by_email_key(&mut conn, &open.email_key)
        .await?
        .is_some();
    Ok(InvitationPreview {
        workspace_name: open.workspace_name,
        email: open.email,
        role: open.role,
        invited_by: open.invited_by,
        has_account,
    })
}

/// Uses the invitation up and adds `user` to its workspace with its role, inside `tx`. Claiming
/// the row first means two clicks cannot both join.
async fn join(
    tx: &mut sqlx::AnyConnection,
    clock: &Clock,
    open: &Open,
    user: &UserId,
) -> Result<(), DomainError> {
    let now = clock.now_ms();
    let claimed = sqlx::query(
        "UPDATE invitations SET accepted_at = $1 \
         WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(&open.id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Err(expired_or_used());
    }
    sqlx::query("INSERT INTO memberships (workspace_id, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(open.workspace_id.as_str())
        .bind(user.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            DomainError::on_unique(e, || {
                DomainError::invalid("token", "You are already a member of this workspace.")
            })
        })?;
    sqlx::query(
        "INSERT INTO role_assignments (workspace_id, user_id, role_id, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(open.workspace_id.as_str())
    .bind(user.as_str())
    .bind(open.role_id.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let change = crate::server::access::audit::Change {
        action: "role.assign",
        target: user.as_str(),
        before: None,
        after: Some(serde_json::json!({ "role_id": open.role_id, "invitation_id": open.id })),
    };
    let by = crate::server::audit::append::Acting {
        workspace: &open.workspace_id,
        user,
        key: None,
        automation: None,
        origin: None,
    };
    crate::server::access::audit::record(tx, clock, by, change).await?;
    // Following the mailed link proves the address.
    crate::server::identity::accounts::confirm_email(tx, clock, user).await
}

/// Accepts for an address without an account: creates it with `name` and `password` (which
/// must meet the policy) and joins. The session starts in the invitation's workspace.
pub async fn accept_new(
    db: &Db,
    clock: &Clock,
    hasher: &Hasher,
    token: &str,
    name: &str,
    password: &Password,
) -> Result<SignedIn, DomainError> {
    let open = {
        let mut conn = db.pool().acquire().await?;
        find_open(&mut conn, clock, token).await?
    };
    let name = DisplayName::parse(name)?;
    let email = EmailAddress::parse(&open.email)?;
    crate::server::workspace::settings::policy(
        &crate::server::workspace::settings::load(db, &open.workspace_id).await?,
    )
    .check(
        "password",
        password.expose(),
        &[
            name.as_str(),
            email.as_str(),
            email.local_part(),
            &open.workspace_name,
        ],
    )?;
    let hash = hasher.hash(password).await?;
    let mut tx = db.begin_write().await?;
    let user = crate::server::identity::accounts::insert_user(
        &mut tx,
        clock,
        &email,
        &name,
        &hash,
        "password",
        "This address has an account now. Reload the page and enter its password.",
    )
    .await?;
    join(&mut tx, clock, &open, &user).await?;
    tx.commit().await?;
    Ok(SignedIn {
        user_id: user,
        workspace_id: open.workspace_id,
    })
}

/// Accepts for an address that has an account: its password confirms it is theirs, then they
/// join. The session starts in the invitation's workspace.
pub async fn accept_existing(
    db: &Db,
    clock: &Clock,
    hasher: &Hasher,
    token: &str,
    password: &Password,
) -> Result<SignedIn, DomainError> {
    let (open, account) = {
        let mut conn = db.pool().acquire().await?;
        let open = find_open(&mut conn, clock, token).await?;
        let account = user_by_email_key(&mut conn, &open.email_key).await?;
        (open, account)
    };
    let Some((user, stored)) = account else {
        return Err(DomainError::invalid(
            "password",
            "This address has no account yet. Reload the page to create one.",
        ));
    };
    if hasher.verify(password, &stored).await? == Verified::No {
        return Err(DomainError::invalid(
            "password",
            format!("That is not the password of {}.", open.email),
        ));
    }
    let mut tx = db.begin_write().await?;
    join(&mut tx, clock, &open, &user).await?;
    tx.commit().await?;
    Ok(SignedIn {
        user_id: user,
        workspace_id: open.workspace_id,
    })
}
