//! The people of a demo workspace: a Manager and six Staff in a sales and a support team, who
//! join through the real invitation flow (so their roles and memberships are exactly what an
//! invited colleague gets), and the workspace's sales terms.

use app::model::{TeamOption, UserId, WorkspaceId};
use app::permissions::keys;
use app::server::access::grants::{self, Grant};
use app::server::access::roles;
use app::server::identity::passwords::{Hasher, Password};
use app::server::platform::clock::Clock;
use app::server::platform::db::Db;
use app::server::platform::error::DomainError;
use app::server::workspace::invitations::{self, Invite};
use app::server::workspace::sales_terms::{self, TermsForm};
use app::server::workspace::{members, team_options, teams};

use super::DEMO_PASSWORD;

pub const SALES: &str = "Sales";
pub const SUPPORT: &str = "Support";

/// Who works in every demo workspace: name, address, role, team.
const COLLEAGUES: &[(&str, &str, &str, &str)] = &[
    (
        "Morgan Avery",
        "morgan.avery@gatehouse.test",
        "Manager",
        SALES,
    ),
    ("Priya Nair", "priya.nair@gatehouse.test", "Staff", SALES),
    ("Sam Patel", "sam.patel@gatehouse.test", "Staff", SALES),
    ("Lukas Berg", "lukas.berg@gatehouse.test", "Staff", SALES),
    (
        "Amara Okafor",
        "amara.okafor@gatehouse.test",
        "Staff",
        SUPPORT,
    ),
    (
        "Diego Ramos",
        "diego.ramos@gatehouse.test",
        "Staff",
        SUPPORT,
    ),
    ("Chen Wei", "chen.wei@gatehouse.test", "Staff", SUPPORT),
];

/// A workspace's people as the records need them: ids as stored.
pub struct Staff {
    /// Everyone who may hold a record, the Owner first.
    pub everyone: Vec<String>,
    pub sales: Vec<String>,
    pub support: Vec<String>,
    pub sales_team: String,
    pub support_team: String,
}

/// Invites and signs up each colleague who is not yet a member, puts them in their team, and
/// returns the workspace's people.
pub async fn ensure(
    db: &Db,
    clock: &Clock,
    hasher: &Hasher,
    owner: &UserId,
    workspace: &WorkspaceId,
) -> Result<Staff, DomainError> {
    let team_write = grants::require::<keys::TeamWrite>(db, clock, owner, workspace).await?;
    let team_read = grants::require::<keys::TeamRead>(db, clock, owner, workspace).await?;
    let mut existing = team_options::list(db, &team_read).await?;
    for name in [SALES, SUPPORT] {
        if !existing.iter().any(|t| t.name == name) {
            teams::create(db, clock, &team_write, name).await?;
        }
    }
    existing = team_options::list(db, &team_read).await?;
    let (sales_team, support_team) = (
        team_named(&existing, SALES)?,
        team_named(&existing, SUPPORT)?,
    );
    let roles = roles::options(db, &team_read).await?;
    let mut staff = Staff {
        everyone: vec![owner.as_str().to_owned()],
        sales: Vec::new(),
        support: Vec::new(),
        sales_team: sales_team.id.as_str().to_owned(),
        support_team: support_team.id.as_str().to_owned(),
    };
    for &(name, email, role, team) in COLLEAGUES {
        let members = members::list(db, clock, &team_read, None).await?;
        let user = match members.iter().find(|m| m.email == email) {
            Some(member) => member.user_id.clone(),
            None => {
                let role_id = roles
                    .iter()
                    .find(|r| r.name == role)
                    .map(|r| r.id.as_str().to_owned())
                    .ok_or(DomainError::NotFound)?;
                let user = join(db, clock, hasher, &team_write, name, email, role_id).await?;
                let team_id = if team == SALES {
                    &sales_team.id
                } else {
                    &support_team.id
                };
                teams::add_member(db, clock, &team_write, team_id, &user).await?;
                user
            }
        };
        staff.everyone.push(user.as_str().to_owned());
        if team == SALES {
            staff.sales.push(user.as_str().to_owned());
        } else {
            staff.support.push(user.as_str().to_owned());
        }
    }
    Ok(staff)
}

fn team_named<'t>(teams: &'t [TeamOption], name: &str) -> Result<&'t TeamOption, DomainError> {
    teams
        .iter()
        .find(|t| t.name == name)
        .ok_or(DomainError::NotFound)
}

/// Invites `email` and accepts as they would from the mailed link: with a new account, or with
/// the demo password of the account they already have from another demo workspace.
async fn join(
    db: &Db,
    clock: &Clock,
    hasher: &Hasher,
    grant: &Grant<keys::TeamWrite>,
    name: &str,
    email: &str,
    role_id: String,
) -> Result<UserId, DomainError> {
    let invite = Invite {
        email: email.into(),
        role_id,
    };
    let sent = invitations::invite(db, clock, grant, true, invite).await?;
    let password = Password::new(DEMO_PASSWORD);
    let signed_in = if app::server::identity::accounts::user_by_email(db, email)
        .await?
        .is_some()
    {
        invitations::accept_existing(db, clock, hasher, &sent.token, &password).await?
    } else {
        invitations::accept_new(db, clock, hasher, &sent.token, name, &password).await?
    };
    Ok(signed_in.user_id)
}

/// Each demo workspace trades in its own currency and tax rate, so the pages show several.
pub async fn set_terms(
    db: &Db,
    clock: &Clock,
    owner: &UserId,
    workspace: &WorkspaceId,
    index: usize,
) -> Result<(), DomainError> {
    const TERMS: &[(&str, &str, &str)] = &[
        ("GBP", "20", "500"),
        ("USD", "0", "1000"),
        ("EUR", "19", "750"),
        ("CHF", "8.1", "500"),
        ("USD", "0", "2000"),
        ("EUR", "21", "750"),
    ];
    let (currency, tax, over) = TERMS[index % TERMS.len()];
    let grant = grants::require::<keys::SettingsWrite>(db, clock, owner, workspace).await?;
    let form = TermsForm {
        currency: currency.into(),
        tax_rate: tax.into(),
        refund_approval_over: over.into(),
        approval_expiry_days: "7".into(),
    };
    sales_terms::set(db, clock, &grant, &form).await?;
    Ok(())
}
