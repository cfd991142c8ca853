//! Proves a chain entry by entry, whether it is read from the database ([`super::verify`]) or
//! from an exported file ([`super::offline`]): each entry's hash is computed again from its
//! content and the hash before it, places follow one another, and each signed checkpoint holds
//! under the trusted public key and names the entry that is really at its place.

use serde::{Deserialize, Serialize};

use super::chain::{self, Entry, Head};
use super::signing::{checkpoint_message, PublicKey};

/// A signed statement that a workspace's chain had, at `seq`, the entry whose hash is
/// `entry_hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub entry_hash: String,
    pub signed_at: i64,
    pub key_id: String,
    pub signature: String,
}

/// The first entry of a workspace's chain that does not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub workspace: String,
    /// Its place in the chain; `None` for an entry that has none.
    pub seq: Option<i64>,
    /// The entry's id; empty when the break is the head's or a checkpoint's.
    pub entry: String,
    pub reason: &'static str,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.seq, self.entry.is_empty()) {
            (Some(seq), false) => write!(
                f,
                "workspace {}, entry #{seq} ({}): {}",
                self.workspace, self.entry, self.reason
            ),
            (Some(seq), true) => write!(f, "workspace {}, #{seq}: {}", self.workspace, self.reason),
            (None, _) => write!(
                f,
                "workspace {}, entry {}: {}",
                self.workspace, self.entry, self.reason
            ),
        }
    }
}

/// Whether entries may be missing between those walked: never in the database; in an export
/// filtered by the viewer, yes — each entry is then proved by its own hash, and linked to the
/// one before it where both are present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gaps {
    Break,
    Allowed,
}

/// What a walk proved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proved {
    pub entries: u64,
    /// The last place covered by a checkpoint signed with the trusted key (0: none).
    pub signed_through: i64,
    /// Checkpoints signed with the trusted key that were matched against their entry.
    pub checkpoints: u64,
    /// Checkpoints signed with another key, which prove nothing here.
    pub other_keys: u64,
}

pub struct Walk {
    workspace: String,
    gaps: Gaps,
    /// Where the chain starts: the genesis, or the last entry purged.
    base: Head,
    /// Whether checkpoints are checked against a trusted key.
    keyed: bool,
    /// The start the trail's latest record of a purge names.
    recorded_purge: Option<Head>,
    last: Head,
    /// Trusted checkpoints not yet reached, highest place first (so the next is at the end).
    ahead: Vec<Checkpoint>,
    proved: Proved,
}

impl Walk {
    /// Starts a walk at `base`: the chain's beginning, or after the entries purged. Every
    /// checkpoint signed with `key` must hold its signature; one signed with another key is
    /// counted and set aside.
    pub fn new(
        workspace: &str,
        gaps: Gaps,
        base: Head,
        key: Option<&PublicKey>,
        checkpoints: Vec<Checkpoint>,
    ) -> Result<Self, Broken> {
        let mut proved = Proved::default();
        let mut ahead = Vec::with_capacity(checkpoints.len());
        for cp in checkpoints {
            let Some(key) = key.filter(|k| k.id() == cp.key_id) else {
                proved.other_keys += 1;
                continue;
            };
            let message = checkpoint_message(workspace, cp.seq, &cp.entry_hash, cp.signed_at);
            if !key.verifies(&message, &cp.signature) {
                return Err(Broken {
                    workspace: workspace.to_owned(),
                    seq: Some(cp.seq),
                    entry: String::new(),
                    reason: "the checkpoint's signature does not hold",
                });
            }
            ahead.push(cp);
        }
        ahead.sort_by_key(|cp| std::cmp::Reverse(cp.seq));
        Ok(Self {
            workspace: workspace.to_owned(),
            gaps,
            last: base.clone(),
            base,
            keyed: key.is_some(),
            recorded_purge: None,
            ahead,
            proved,
        })
    }

    fn broken(&self, seq: Option<i64>, entry: &str, reason: &'static str) -> Broken {
        Broken {
            workspace: self.workspace.clone(),
            seq,
            entry: entry.to_owned(),
            reason,
        }
    }

    /// Proves the next entry.
    pub fn step(&mut self, e: &Entry) -> Result<(), Broken> {
        let at = |walk: &Self, reason| Err(walk.broken(Some(e.seq), &e.id, reason));
        let follows = e.seq == self.last.seq + 1;
        match self.gaps {
            Gaps::Break if !follows => return at(self, "entries before this one are missing"),
            Gaps::Allowed if e.seq <= self.last.seq => {
                return at(self, "the entry is out of order in the export");
            }
            _ => {}
        }
        let Some(prev) = e.prev_hash.as_deref() else {
            return at(self, "the entry does not follow the one before it");
        };
        if follows && prev != self.last.hash {
            return at(self, "the entry does not follow the one before it");
        }
        let hash = chain::hash(prev, &e.content(&self.workspace));
        if e.entry_hash.as_deref() != Some(hash.as_str()) {
            return at(self, "the entry was changed after it was written");
        }
        while self.ahead.last().is_some_and(|cp| cp.seq < e.seq) {
            // Only an export may skip a checkpoint's entry; the database walk has none to skip.
            self.ahead.pop();
        }
        if let Some(cp) = self.ahead.last().filter(|cp| cp.seq == e.seq) {
            if cp.entry_hash != hash {
                return at(self, "the entry is not the one its signed checkpoint names");
            }
            self.proved.signed_through = e.seq;
            self.proved.checkpoints += 1;
            self.ahead.pop();
        }
        if e.action == PURGED {
            self.recorded_purge = e.after.as_deref().and_then(purged_through);
        }
        self.last = Head { seq: e.seq, hash };
        self.proved.entries += 1;
        Ok(())
    }

    /// Ends the walk. `head` is the chain's head as the database keeps it; an export has none.
    pub fn finish(self, head: Option<&Head>) -> Result<Proved, Broken> {
        if let Some(head) = head {
            if *head != self.last {
                let reason = "the chain's head is not its last entry (entries cut off or added)";
                return Err(self.broken(Some(head.seq), "", reason));
            }
        }
        if self.gaps == Gaps::Break {
            if let Some(cp) = self.ahead.last() {
                let reason = "a signed checkpoint names an entry past the chain's end";
                return Err(self.broken(Some(cp.seq), "", reason));
            }
            if self.base.seq > 0 {
                // The start itself is proved by the hashes up to a signed checkpoint, and
                // must be the one the trail recorded when it purged.
                if self.recorded_purge.as_ref() != Some(&self.base) {
                    let reason = "the chain starts after a purge the trail does not record";
                    return Err(self.broken(Some(self.base.seq), "", reason));
                }
                if self.keyed && self.proved.checkpoints == 0 {
                    let reason = "entries were purged, and no signed checkpoint covers the rest";
                    return Err(self.broken(Some(self.base.seq + 1), "", reason));
                }
            }
        }
        Ok(self.proved)
    }
}

/// The action of the trail's record of a purge.
pub const PURGED: &str = "audit.purged";

/// The start a purge's record names (its state after: `through_seq`, `through_hash`).
fn purged_through(after: &str) -> Option<Head> {
    let state: serde_json::Value = serde_json::from_str(after).ok()?;
    Some(Head {
        seq: state.get("through_seq")?.as_i64()?,
        hash: state.get("through_hash")?.as_str()?.to_owned(),
    })
}
