//! Network rules: which client addresses may sign in to, and use, a workspace.
//!
//! Deny entries win over everything. When any allow entry applies to a person — the
//! workspace's own entries, or entries naming them — their address must fall in one of them;
//! a person's own allow entries add to the workspace's (an exception for one person, such as a
//! home address). Without allow entries every address not denied may enter.
//!
//! Rules are checked at sign-in, on every request of a session (so a session that moves to a
//! blocked network stops working), and when switching workspace. Changing them needs
//! `settings.write`; a change that would block the editor's own address needs their explicit
//! confirmation.

use std::net::IpAddr;

use ipnet::IpNet;
use sqlx::Row;

use crate::model::{IpRule, IpRuleKind, MemberOption, UserId, WorkspaceId};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;

/// Most entries one workspace may hold: each request walks them all.
pub const MAX_RULES: usize = 200;
pub const NOTE_MAX_CHARS: usize = 100;

/// One entry as the check uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub kind: IpRuleKind,
    pub net: IpNet,
    /// `None`: everyone in the workspace.
    pub user: Option<UserId>,
}

/// The address as rules see it: IPv4 clients reached over an IPv6 socket arrive as
/// `::ffff:a.b.c.d` and must match IPv4 entries.
fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// Parses an entry as typed: an address or a network in CIDR notation, IPv4 or IPv6. Host bits
/// are cleared (`10.1.2.3/8` is stored as `10.0.0.0/8`).
pub fn parse_cidr(raw: &str) -> Result<IpNet, DomainError> {
    let raw = raw.trim();
    let invalid = || {
        DomainError::invalid(
            "cidr",
            "Enter an address or a range such as 203.0.113.0/24 or 2001:db8::/32.",
        )
    };
    if raw.is_empty() {
        return Err(DomainError::invalid("cidr", "Enter an address or a range."));
    }
    if raw.len() > 64 {
        return Err(invalid());
    }
    let net = match raw.parse::<IpNet>() {
        Ok(net) => net,
        Err(_) => IpNet::from(raw.parse::<IpAddr>().map_err(|_| invalid())?),
    };
    Ok(match net {
        IpNet::V6(v6) => match v6.addr().to_ipv4_mapped() {
            // `::ffff:a.b.c.d/n` means an IPv4 range.
            Some(v4) if v6.prefix_len() >= 96 => {
                IpNet::new(IpAddr::V4(v4), v6.prefix_len() - 96).map_err(|_| invalid())?
            }
            _ => IpNet::V6(v6),
        },
        v4 => v4,
    }
    .trunc())
}

/// Whether `ip` may enter for `user` under `rules` (those of one workspace).
pub fn permits(rules: &[Rule], user: &UserId, ip: IpAddr) -> bool {
    let ip = canonical(ip);
    let applies = |r: &&Rule| r.user.as_ref().is_none_or(|u| u == user);
    let mut allows = rules
        .iter()
        .filter(applies)
        .filter(|r| r.kind == IpRuleKind::Allow)
        .peekable();
    let allowed = allows.peek().is_none() || allows.any(|r| r.net.contains(&ip));
    let denied = rules
        .iter()
        .filter(applies)
        .any(|r| r.kind == IpRuleKind::Deny && r.net.contains(&ip));
    allowed && !denied
}

/// The workspace's entries. No grant: every sign-in and request applies them.
pub async fn rules(db: &Db, workspace: &WorkspaceId) -> Result<Vec<Rule>, DomainError> {
    let rows = sqlx::query("SELECT kind, cidr, user_id FROM ip_rules WHERE workspace_id = $1")
        .bind(workspace.as_str())
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(rule_from_row).collect()
}

/// A stored entry (columns `kind`, `cidr`, `user_id`).
fn rule_from_row(row: &sqlx::any::AnyRow) -> Result<Rule, DomainError> {
    let kind: String = row.try_get("kind")?;
    let cidr: String = row.try_get("cidr")?;
    Ok(Rule {
        kind: IpRuleKind::from_key(&kind)
            .ok_or_else(|| DomainError::Internal(format!("ip_rules.kind {kind:?}")))?,
        net: cidr
            .parse()
            .map_err(|e| DomainError::Internal(format!("ip_rules.cidr {cidr:?}: {e}")))?,
        user: row
            .try_get::<Option<String>, _>("user_id")?
            .map(UserId::from_db),
    })
}

/// Whether `user` may use `workspace` from `ip`. An unknown address (no client address in the
/// request, as in-process calls have) is let through: the server binary always sets one.
pub async fn allows(
    db: &Db,
    workspace: &WorkspaceId,
    user: &UserId,
    ip: Option<IpAddr>,
) -> Result<bool, DomainError> {
    let Some(ip) = ip else { return Ok(true) };
    Ok(permits(&rules(db, workspace).await?, user, ip))
}

/// The entries with the people they name, for the settings page. Needs `settings.write`.
pub async fn list(db: &Db, grant: &Grant<keys::SettingsWrite>) -> Result<Vec<IpRule>, DomainError> {
    let rows = sqlx::query(
        "SELECT r.id, r.kind, r.cidr, r.note, r.created_at, u.display_name, u.email \
         FROM ip_rules r LEFT JOIN users u ON u.id = r.user_id \
         WHERE r.workspace_id = $1 ORDER BY r.kind, r.created_at, r.id",
    )
    .bind(grant.workspace().as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            let name: Option<String> = row.try_get("display_name")?;
            let email: Option<String> = row.try_get("email")?;
            Ok(IpRule {
                id: crate::model::IpRuleId::from_db(row.try_get("id")?),
                kind: IpRuleKind::from_key(&kind)
                    .ok_or_else(|| DomainError::Internal(format!("ip_rules.kind {kind:?}")))?,
                cidr: row.try_get("cidr")?,
                person: name.zip(email).map(|(n, e)| format!("{n} <{e}>")),
                note: row.try_get("note")?,
                created_at_ms: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Active members an entry can name. Needs `settings.write`.
pub async fn member_options(
    db: &Db,
    grant: &Grant<keys::SettingsWrite>,
) -> Result<Vec<MemberOption>, DomainError> {
    crate::server::workspace::members::options(db, grant.workspace()).await
}

/// A new entry as the form sends it.
#[derive(Debug, Default)]
pub struct NewRule {
    pub kind: String,
    pub cidr: String,
    /// Empty: everyone.
    pub user_id: String,
    pub note: String,
    /// The editor accepts that the entry blocks their own address.
    pub block_me_too: bool,
}

/// Whether `after` would shut the editor out at the address they are using.
fn blocks_editor(after: &[Rule], editor: &UserId, editor_ip: Option<IpAddr>) -> Option<IpAddr> {
    editor_ip
        .map(canonical)
        .filter(|ip| !permits(after, editor, *ip))
}

/// Adds an entry to the grant's workspace. Needs `settings.write`.
pub async fn add(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    form: &NewRule,
    editor_ip: Option<IpAddr>,
) -> Result<(), DomainError> {
    let kind = IpRuleKind::from_key(form.kind.trim())
        .ok_or_else(|| DomainError::invalid("kind", "Choose allow or deny."))?;
    let net = parse_cidr(&form.cidr)?;
    let note = LineField {
        field: "note",
        subject: "The note",
        empty_message: "",
        max_chars: NOTE_MAX_CHARS,
    }
    .clean_optional(&form.note)?;
    let user = match form.user_id.trim() {
        "" => None,
        id => {
            let member = member_options(db, grant)
                .await?
                .into_iter()
                .find(|m| m.user_id.as_str() == id)
                .ok_or_else(|| {
                    DomainError::invalid("user_id", "Choose a member of this workspace.")
                })?;
            Some(member.user_id)
        }
    };
    let mut after = rules(db, grant.workspace()).await?;
    let rule = Rule { kind, net, user };
    if after.contains(&rule) {
        return Err(DomainError::invalid(
            "cidr",
            "This entry is already in the list.",
        ));
    }
    if after.len() >= MAX_RULES {
        return Err(DomainError::invalid(
            "cidr",
            format!("A workspace can have at most {MAX_RULES} entries. Combine some into ranges."),
        ));
    }
    after.push(rule.clone());
    if let Some(ip) = blocks_editor(&after, grant.user(), editor_ip) {
        if !form.block_me_too {
            return Err(DomainError::invalid(
                "block_me_too",
                format!(
                    "This entry would block your own address ({ip}) and sign you out. \
                     Tick the box to add it anyway."
                ),
            ));
        }
    }
    sqlx::query(
        "INSERT INTO ip_rules (id, workspace_id, user_id, kind, cidr, note, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(crate::model::IpRuleId::fresh().as_str())
    .bind(grant.workspace().as_str())
    .bind(rule.user.as_ref().map(|u| u.as_str().to_owned()))
    .bind(kind.key())
    .bind(net.to_string())
    .bind(note.unwrap_or_default())
    .bind(clock.now_ms())
    .bind(grant.user().as_str())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Removes an entry of the grant's workspace; another workspace's id answers `NotFound`.
/// Needs `settings.write`. Removing the allow entry the editor is let in by is refused: they
/// add one for their address first.
pub async fn remove(
    db: &Db,
    grant: &Grant<keys::SettingsWrite>,
    id: &crate::model::IpRuleId,
    editor_ip: Option<IpAddr>,
) -> Result<(), DomainError> {
    let row =
        sqlx::query("SELECT kind, cidr, user_id FROM ip_rules WHERE id = $1 AND workspace_id = $2")
            .bind(id.as_str())
            .bind(grant.workspace().as_str())
            .fetch_optional(db.pool())
            .await?
            .ok_or(DomainError::NotFound)?;
    let gone = rule_from_row(&row)?;
    let mut after = rules(db, grant.workspace()).await?;
    if let Some(i) = after.iter().position(|r| *r == gone) {
        after.remove(i);
    }
    if let Some(ip) = blocks_editor(&after, grant.user(), editor_ip) {
        return Err(DomainError::Conflict(format!(
            "Removing {} would block your own address ({ip}). Add an entry that lets it in first.",
            gone.net
        )));
    }
    sqlx::query("DELETE FROM ip_rules WHERE id = $1 AND workspace_id = $2")
        .bind(id.as_str())
        .bind(grant.workspace().as_str())
        .execute(db.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: IpRuleKind, cidr: &str, user: Option<&str>) -> Rule {
        Rule {
            kind,
            net: parse_cidr(cidr).unwrap(),
            user: user.map(|u| UserId::from_db(u.to_owned())),
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn entries_parse_as_networks_in_either_family() {
        for (raw, stored) in [
            ("203.0.113.7", "203.0.113.7/32"),
            (" 203.0.113.0/24 ", "203.0.113.0/24"),
            ("10.1.2.3/8", "10.0.0.0/8"),
            ("2001:db8::1", "2001:db8::1/128"),
            ("2001:DB8:abcd::/48", "2001:db8:abcd::/48"),
            ("::ffff:192.0.2.0/120", "192.0.2.0/24"),
            ("0.0.0.0/0", "0.0.0.0/0"),
        ] {
            assert_eq!(parse_cidr(raw).unwrap().to_string(), stored, "{raw}");
        }
        for bad in [
            "",
            "203.0.113",
            "203.0.113.0/33",
            "2001:db8::/129",
            "300.1.1.1",
            "example.com",
            "10.0.0.0/-1",
            "10.0.0.0/8/8",
            "1.2.3.4 5.6.7.8",
            &"1".repeat(100),
        ] {
            assert!(parse_cidr(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn deny_wins_and_allow_entries_restrict_whom_they_apply_to() {
        let ada = UserId::from_db("ada".into());
        let grace = UserId::from_db("grace".into());
        assert!(permits(&[], &ada, ip("198.51.100.1")), "no rules: open");

        let office = [rule(IpRuleKind::Allow, "203.0.113.0/24", None)];
        assert!(permits(&office, &ada, ip("203.0.113.9")));
        assert!(!permits(&office, &ada, ip("198.51.100.1")));
        assert!(
            permits(&office, &ada, ip("::ffff:203.0.113.9")),
            "IPv4 over an IPv6 socket"
        );

        // Ada may also work from home; Grace may not.
        let mut with_home = office.to_vec();
        with_home.push(rule(IpRuleKind::Allow, "198.51.100.1", Some("ada")));
        assert!(permits(&with_home, &ada, ip("198.51.100.1")));
        assert!(!permits(&with_home, &grace, ip("198.51.100.1")));

        // A person's own allow entry restricts them even without workspace allow entries.
        let only_home = [rule(IpRuleKind::Allow, "198.51.100.1", Some("ada"))];
        assert!(!permits(&only_home, &ada, ip("203.0.113.9")));
        assert!(permits(&only_home, &grace, ip("203.0.113.9")));

        // Deny beats allow, for everyone or for one person.
        let mut denied = with_home.clone();
        denied.push(rule(IpRuleKind::Deny, "203.0.113.66", None));
        denied.push(rule(IpRuleKind::Deny, "2001:db8::/32", Some("grace")));
        assert!(!permits(&denied, &ada, ip("203.0.113.66")));
        assert!(permits(&denied, &ada, ip("203.0.113.67")));
        let v6 = [rule(IpRuleKind::Deny, "2001:db8::/32", Some("grace"))];
        assert!(!permits(&v6, &grace, ip("2001:db8::5")));
        assert!(permits(&v6, &ada, ip("2001:db8::5")));
        assert!(permits(&v6, &grace, ip("2001:db9::5")));
    }

    #[test]
    fn the_editor_is_told_when_a_change_would_block_them() {
        let me = UserId::from_db("me".into());
        let deny = [rule(IpRuleKind::Deny, "203.0.113.0/24", None)];
        assert_eq!(
            blocks_editor(&deny, &me, Some(ip("::ffff:203.0.113.5"))),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(blocks_editor(&deny, &me, Some(ip("198.51.100.5"))), None);
        assert_eq!(blocks_editor(&deny, &me, None), None);
    }
}
