//! The stored-markup sweep's customer parts: a contact person's name and role, an address's
//! street, city and postcode, and a tag — set on the customer and put on it in bulk — each the
//! hostile string, on the hostile customer (at version 2, after its create and update).

use reqwest::StatusCode;

use super::super::support::{api, TestServer};
use super::HOSTILE;

/// Plants every part; the customer ends at version 5.
pub(super) async fn plant_in_customer_parts(
    c: &reqwest::Client,
    s: &TestServer,
    label: &str,
    customer: &str,
) {
    let post = |path: &'static str, form: Vec<(&'static str, String)>| async move {
        let res = api(c, s, path).await.form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}: {path}");
        res.json::<serde_json::Value>().await.unwrap()
    };
    let contact = post(
        "/api/customers/add_contact",
        vec![
            ("customer_id", customer.to_owned()),
            ("version", "2".to_owned()),
            ("contact_name", HOSTILE.to_owned()),
            ("contact_role", HOSTILE.to_owned()),
            ("contact_email", "".to_owned()),
            ("contact_phone", "".to_owned()),
        ],
    )
    .await;
    assert_eq!(contact["contacts"][0]["role"], HOSTILE, "{label}");
    let address = post(
        "/api/customers/add_address",
        vec![
            ("customer_id", customer.to_owned()),
            ("version", "3".to_owned()),
            ("kind", "office".to_owned()),
            ("street", HOSTILE.to_owned()),
            ("city", HOSTILE.to_owned()),
            ("postcode", "SW1A 1AA".to_owned()),
            ("country", "GB".to_owned()),
        ],
    )
    .await;
    assert_eq!(address["addresses"][0]["city"], HOSTILE, "{label}");
    let tagged = post(
        "/api/customers/set_tags",
        vec![
            ("customer_id", customer.to_owned()),
            ("version", "4".to_owned()),
            ("tags", HOSTILE.to_owned()),
        ],
    )
    .await;
    assert_eq!(tagged["tags"][0], HOSTILE, "{label}");
    let n = post(
        "/api/customers/bulk_tag",
        vec![("ids", customer.to_owned()), ("tag", HOSTILE.to_owned())],
    )
    .await;
    assert_eq!(n, 1, "{label}");
}
