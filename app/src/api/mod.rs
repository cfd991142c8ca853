//! Server functions: the only door from the browser to server code.
//!
//! Each is a public POST endpoint under `/api/<endpoint>`, callable with curl, so each one is
//! thin: resolve the context, validate, call the domain, map errors. Endpoint names are stable
//! and explicit so logs, docs and tests can name them.

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod automations;
pub mod customer_parts;
pub mod customers;
pub mod dashboard;
pub mod exports;
pub mod files;
pub mod groups;
pub mod imports;
pub mod invitations;
pub mod library;
pub mod licences;
pub mod members;
pub mod mfa;
pub mod orders;
pub mod payments;
pub mod privacy;
pub mod products;
pub mod quotes;
pub mod registers;
pub mod reports;
pub mod reviews;
pub mod roles;
pub mod sessions;
pub mod settings;
pub mod tickets;
pub mod webhooks;
pub mod workspaces;

/// The README's endpoint table is written for people, but the key each endpoint needs is stated
/// once, in its `auth::require::<keys::…>`: this reads every endpoint's key from the source and
/// fails when the table does not name it (or does not list the endpoint at all).
#[cfg(all(test, feature = "ssr"))]
mod endpoint_table {
    use crate::permissions::Permission;

    /// Every `#[server(endpoint = …)]` with the key its body requires, if any.
    fn endpoints() -> Vec<(String, Option<Permission>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.ends_with("mod.rs") {
                continue;
            }
            let source = std::fs::read_to_string(path).unwrap();
            // At a line's start: an argument's `#[server(default)]` is indented.
            for chunk in source.split("\n#[server(").skip(1) {
                let name = chunk
                    .split("endpoint = \"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .expect("every server function names its endpoint")
                    .to_owned();
                let key = chunk.split("require::<keys::").nth(1).map(|rest| {
                    let variant = rest.split('>').next().unwrap();
                    *Permission::ALL
                        .iter()
                        .find(|p| format!("{p:?}") == variant)
                        .unwrap_or_else(|| panic!("{name}: unknown key {variant}"))
                });
                found.push((name, key));
            }
        }
        found
    }

    #[test]
    fn the_readme_names_the_key_of_every_endpoint() {
        let readme = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"),
        )
        .unwrap();
        let rows: Vec<&str> = readme.lines().filter(|l| l.starts_with("| `")).collect();
        let endpoints = endpoints();
        assert!(endpoints.len() > 40, "found {} endpoints", endpoints.len());
        for (name, key) in endpoints {
            let family = format!("`{}/*`", name.split('/').next().unwrap());
            let row = rows
                .iter()
                .find(|r| r.contains(&format!("`{name}`")) || r.contains(&family))
                .unwrap_or_else(|| panic!("README's endpoint table lacks `{name}`"));
            if let Some(key) = key {
                assert!(
                    row.contains(&format!("`{}`", key.key())),
                    "README says of `{name}`: {row}\nbut the endpoint requires `{}`",
                    key.key()
                );
            }
        }
    }
}
