//! Verifies an exported trail ([`super::export`]) with nothing but the public key: no database,
//! no server. Each entry's hash is computed again, entries in a row must link, and every
//! checkpoint signed with the key must hold and match its entry. An export filtered by the
//! viewer skips entries: each is still proved by its own hash, and the gaps are reported.

use std::io::BufRead;

use super::chain::Head;
use super::export::{Line, FORMAT, VERSION};
use super::signing::PublicKey;
use super::walk::{Broken, Gaps, Proved, Walk};

/// What an exported trail proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub workspace: String,
    pub proved: Proved,
    /// The last entry's place (0 for an export with no entries).
    pub last_seq: i64,
    /// Whether every place from 1 to the last is in the file.
    pub complete: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    #[error("cannot read the file: {0}")]
    Read(#[from] std::io::Error),
    #[error("line {line}: {reason}")]
    Format { line: usize, reason: String },
    #[error("broken: {0}")]
    Broken(Broken),
}

fn format_error(line: usize, reason: impl Into<String>) -> OfflineError {
    OfflineError::Format {
        line,
        reason: reason.into(),
    }
}

/// Verifies the export read from `input` against `key`.
pub fn verify(input: impl BufRead, key: &PublicKey) -> Result<Verified, OfflineError> {
    let mut lines = input.lines().enumerate();
    let (workspace, base) = match lines.next() {
        Some((_, text)) => match serde_json::from_str::<Line>(&text?) {
            Ok(Line::Header {
                format,
                version,
                workspace,
                purged_through,
                ..
            }) if format == FORMAT && (1..=VERSION).contains(&version) => {
                (workspace, purged_through.unwrap_or_else(Head::genesis))
            }
            _ => return Err(format_error(1, "not a Gatehouse audit export")),
        },
        None => return Err(format_error(1, "the file is empty")),
    };
    let mut checkpoints = Vec::new();
    let mut walk: Option<Walk> = None;
    let (mut last_seq, mut complete) = (base.seq, true);
    for (index, text) in lines {
        let number = index + 1;
        let line: Line = serde_json::from_str(&text?)
            .map_err(|e| format_error(number, format!("not an export line ({e})")))?;
        match line {
            Line::Header { .. } => return Err(format_error(number, "a second header")),
            Line::Checkpoint(cp) if walk.is_none() => checkpoints.push(cp),
            Line::Checkpoint(_) => {
                return Err(format_error(number, "a checkpoint after the entries"))
            }
            Line::Entry(entry) => {
                let walk = match &mut walk {
                    Some(walk) => walk,
                    None => walk.insert(
                        Walk::new(
                            &workspace,
                            Gaps::Allowed,
                            base.clone(),
                            Some(key),
                            std::mem::take(&mut checkpoints),
                        )
                        .map_err(OfflineError::Broken)?,
                    ),
                };
                complete &= entry.seq == last_seq + 1;
                walk.step(&entry).map_err(OfflineError::Broken)?;
                last_seq = entry.seq;
            }
        }
    }
    let walk = match walk {
        Some(walk) => walk,
        None => Walk::new(&workspace, Gaps::Allowed, base, Some(key), checkpoints)
            .map_err(OfflineError::Broken)?,
    };
    let proved = walk.finish(None).map_err(OfflineError::Broken)?;
    Ok(Verified {
        workspace,
        proved,
        last_seq,
        complete,
    })
}
