//! The exports of a whole workspace — its trail, its archive — read the caller's own workspace,
//! whatever is asked: a stranger's Owner gets their own and nothing of the victim's, anyone
//! less is refused.

use std::io::Read;

use super::matrix::SECRETS;
use super::support::TestServer;

pub async fn only_their_own(
    s: &TestServer,
    workspace: &str,
    customer: &str,
    who: &str,
    c: &reqwest::Client,
    label: &str,
) {
    // The audit trail's export reads the caller's own workspace, whatever is asked.
    for path in [
        app::model::AUDIT_EXPORT_PATH.to_owned(),
        format!("{}?target={}", app::model::AUDIT_EXPORT_PATH, customer),
    ] {
        let res = c.get(s.url(&path)).send().await.unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        let exported = format!("{label}: {who} exporting {path}: {body}");
        match who {
            "nobody" => assert_eq!(status, 401, "{exported}"),
            "Owner" => assert_eq!(status, 200, "{exported}"),
            _ => assert!(matches!(status, 200 | 403), "{exported}"),
        }
        assert!(!body.contains(workspace), "{exported}");
        if path.contains("target=") {
            assert!(!body.contains("\"type\":\"entry\""), "{exported}");
        }
        for secret in SECRETS {
            assert!(!body.contains(secret), "{exported}: {secret:?}");
        }
    }
    let res = c.get(s.url("/workspace/export.zip")).send().await.unwrap();
    let status = res.status().as_u16();
    let body = res.bytes().await.unwrap().to_vec();
    let expected = match who {
        "nobody" => 401,
        "Owner" => 200,
        _ => 403,
    };
    let exported = format!("{label}: {who} taking the workspace's archive");
    assert_eq!(status, expected, "{exported}");
    if status != 200 {
        let text = String::from_utf8_lossy(&body);
        assert!(
            SECRETS.iter().all(|secret| !text.contains(secret)),
            "{exported}"
        );
        return;
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    assert!(zip.len() > 1, "{exported}");
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(workspace), "{exported}: {name}");
        for secret in SECRETS {
            assert!(!text.contains(secret), "{exported}: {name}: {secret:?}");
        }
    }
}
