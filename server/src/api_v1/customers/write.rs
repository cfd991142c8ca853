//! Creating, changing and deleting customers. A create may carry `Idempotency-Key` (a retry
//! gets the first answer, nothing is made twice); a change or delete must carry the `ETag` it
//! read in `If-Match` (428 without, 412 when the customer moved on). Bodies are checked against
//! the rules the document declares ([`fields`]), then by the same domain functions as the
//! customer pages. Setting a tax id needs `customers.sensitive`, as seeing one does.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::{Deserialize, Deserializer};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::ToSchema;

use app::error::AppError;
use app::model::{self, CustomerId};
use app::permissions::keys;
use app::server::access::grants::Held;
use app::server::integrations::idempotency::{self, Answer, Claim};
use app::server::records::customers::{self, CustomerForm};

use super::{Customer, Kind};
use crate::api_v1::body;
use crate::api_v1::caller::KeyCaller;
use crate::api_v1::fields::{Text, BLOCK, EMAIL, FILLED_LINE, LINE, PHONE};
use crate::api_v1::preconditions::{etag, if_match, still_at};
use crate::api_v1::problem::{answer, ApiError, Problem};
use crate::state::AppState;

static NAME: Text = Text::new(
    200,
    FILLED_LINE,
    "One line with something besides spaces, without control characters.",
);
static EMAIL_ADDRESS: Text = Text::new(
    254,
    EMAIL,
    "An email address such as name@example.com, or empty.",
);
static PHONE_NUMBER: Text = Text::new(40, PHONE, "Digits, spaces and + - ( ) . only.");
static COMPANY: Text = Text::new(200, LINE, "One line, without control characters.");
static TAX_ID: Text = Text::new(
    50,
    LINE,
    "One line, without control characters; setting it needs `customers.sensitive`.",
);
static NOTES: Text = Text::new(
    2000,
    BLOCK,
    "Text without control characters other than line breaks and tabs.",
);

fn name_schema() -> Object {
    NAME.schema()
}
fn email_schema() -> Object {
    EMAIL_ADDRESS.schema()
}
fn phone_schema() -> Object {
    PHONE_NUMBER.schema()
}
fn company_schema() -> Object {
    COMPANY.schema()
}
fn tax_id_schema() -> Object {
    TAX_ID.schema()
}
fn notes_schema() -> Object {
    NOTES.schema()
}
fn kind_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["company", "person"]))
        .description(Some(
            "Whom the customer is; a new one is a company unless given.",
        ))
        .build()
}

/// A field that may be left out but, when sent, is a value: `null` is refused, since the
/// document does not allow it.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A new customer. Fields left out are empty; it is assigned to the key's maker.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = kind_schema)]
    kind: Option<Kind>,
    #[schema(schema_with = name_schema)]
    name: String,
    #[serde(default)]
    #[schema(schema_with = email_schema)]
    email: String,
    #[serde(default)]
    #[schema(schema_with = phone_schema)]
    phone: String,
    #[serde(default)]
    #[schema(schema_with = company_schema)]
    company: String,
    #[serde(default)]
    #[schema(schema_with = tax_id_schema)]
    tax_id: String,
    #[serde(default)]
    #[schema(schema_with = notes_schema)]
    notes: String,
}

/// A change to a customer: only the fields sent change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerChanges {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = kind_schema)]
    kind: Option<Kind>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = name_schema)]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = email_schema)]
    email: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = phone_schema)]
    phone: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = company_schema)]
    company: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = tax_id_schema)]
    tax_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = notes_schema)]
    notes: Option<String>,
}

/// Checks each sent field against its declared rule; a tax id needs `customers.sensitive`.
fn check(
    held: &Held,
    name: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
    company: Option<&str>,
    tax_id: Option<&str>,
    notes: Option<&str>,
) -> Result<(), ApiError> {
    let rules = [
        ("name", &NAME, name),
        ("email", &EMAIL_ADDRESS, email),
        ("phone", &PHONE_NUMBER, phone),
        ("company", &COMPANY, company),
        ("tax_id", &TAX_ID, tax_id),
        ("notes", &NOTES, notes),
    ];
    for (field, rule, value) in rules {
        if let Some(value) = value {
            rule.check(field, value)?;
        }
    }
    if tax_id.is_some_and(|t| !t.is_empty()) {
        // The domain leaves a field its caller cannot see as it is; over the API a tax id the
        // key may not set is refused (and the refusal recorded) rather than dropped unsaid.
        held.grant::<keys::CustomersSensitive>().map(drop)?;
    }
    Ok(())
}

/// A customer answered with its `ETag`, and its address when just made.
fn with_etag(status: StatusCode, customer: model::Customer, location: Option<&str>) -> Response {
    let tag = etag(customer.version);
    let mut res = (
        status,
        [(header::ETAG, tag)],
        Json(Customer::from(customer)),
    )
        .into_response();
    if let Some(v) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Creates a customer assigned to the key's maker.
#[utoipa::path(
    post,
    path = "/api/v1/customers",
    tag = "customers",
    operation_id = "create_customer",
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = r"^[\x21-\x7e]{1,255}$",
            description = "Any unique value (a UUID): a retry with the same key and body gets the first answer again and creates nothing; kept 24 hours."),
    ),
    request_body(content = NewCustomer, content_type = "application/json"),
    responses(
        (status = 201, description = "Created. A retry under the same `Idempotency-Key` gets this answer again.",
            body = Customer,
            headers(("Location" = String, description = "The customer's address."),
                ("ETag" = String, description = "Its version, for `If-Match`.")),
            links(
                ("GetCustomer" = (operation_id = "get_customer", parameters(("id" = "$response.body#/id")))),
                ("UpdateCustomer" = (operation_id = "update_customer", parameters(("id" = "$response.body#/id"), ("header.If-Match" = "$response.header.ETag")))),
                ("DeleteCustomer" = (operation_id = "delete_customer", parameters(("id" = "$response.body#/id"), ("header.If-Match" = "$response.header.ETag")))),
            )),
        (status = 400, description = "A body that is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No usable key.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key's role lacks `customers.write` (or `customers.sensitive` for a tax id).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The first request under this `Idempotency-Key` is still running.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A body over 256 KiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A body not declared as `application/json`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field out of its rules (`field` names it), or an `Idempotency-Key` already used for another request.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The key is over its budget; `Retry-After` says for how long.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    KeyCaller(held): KeyCaller,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    answer(
        async {
            let grant = held.grant::<keys::CustomersWrite>()?;
            let raw = body::bytes(raw)?;
            let new: NewCustomer = body::json(&headers, &raw)?;
            check(
                &held,
                Some(&new.name),
                Some(&new.email),
                Some(&new.phone),
                Some(&new.company),
                Some(&new.tax_id),
                Some(&new.notes),
            )?;
            let form = CustomerForm {
                kind: new.kind.map_or("", Kind::key).to_owned(),
                name: new.name,
                email: new.email,
                phone: new.phone,
                company: new.company,
                tax_id: new.tax_id,
                notes: new.notes,
                ..CustomerForm::default()
            };
            let Some(idem_key) = headers.get("idempotency-key") else {
                let made =
                    customers::create(&state.ctx.db, &state.ctx.clock, &grant, &form).await?;
                let location = address(&made.id);
                return Ok(with_etag(StatusCode::CREATED, made, Some(&location)));
            };
            let idem_key = idem_key.to_str().map_err(|_| {
                AppError::validation(idempotency::FIELD, "Use visible ASCII characters only.")
            })?;
            let print = idempotency::fingerprint("POST", "/api/v1/customers", &raw);
            let db = &state.ctx.db;
            match idempotency::reserve(db, &grant, idem_key, &print).await? {
                Claim::Replay(first) => Ok(replay(first)),
                Claim::First(reservation) => {
                    match customers::create(db, &state.ctx.clock, &grant, &form).await {
                        Ok(made) => {
                            let location = address(&made.id);
                            let first = Answer {
                                status: StatusCode::CREATED.as_u16(),
                                body: serde_json::to_string(&Customer::from(made.clone()))
                                    .unwrap_or_default(),
                                location: Some(location.clone()),
                            };
                            idempotency::keep(db, &grant, reservation, &first).await?;
                            Ok(with_etag(StatusCode::CREATED, made, Some(&location)))
                        }
                        Err(e) => {
                            idempotency::release(db, &grant, reservation).await?;
                            Err(e.into())
                        }
                    }
                }
            }
        }
        .await,
    )
}

fn address(id: &CustomerId) -> String {
    format!("/api/v1/customers/{}", id.as_str())
}

/// The first request's answer again, marked as such, with the ETag it carried.
fn replay(first: Answer) -> Response {
    let status = StatusCode::from_u16(first.status).unwrap_or(StatusCode::OK);
    let version = serde_json::from_str::<serde_json::Value>(&first.body)
        .ok()
        .and_then(|v| v["version"].as_i64());
    let mut res = (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::HeaderName::from_static("idempotent-replayed"),
                HeaderValue::from_static("true"),
            ),
        ],
        first.body,
    )
        .into_response();
    if let Some(v) = first.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    if let Some(version) = version {
        res.headers_mut().insert(header::ETAG, etag(version));
    }
    res
}

/// A `kind` the document allows that the customer's state refuses (a company with contact
/// persons cannot become a person): the form shows it by the field, but over the API the body
/// was valid and the record is in the way, so it is a 409 conflict, as documented.
fn state_conflict(e: AppError) -> AppError {
    match e {
        AppError::Validation { field, message } if field == "kind" => {
            AppError::Conflict { message }
        }
        other => other,
    }
}

/// The customer `id` as the key reads it, if it is still at `expected`: a change or delete
/// based on an older read is refused with 412 before anything is written.
async fn current(
    state: &AppState,
    held: &Held,
    id: &CustomerId,
    expected: i64,
) -> Result<model::Customer, ApiError> {
    let read = held.grant::<keys::CustomersRead>()?;
    let customer = customers::get(&state.ctx.db, &read, id).await?;
    still_at("customer", expected, customer.version)?;
    Ok(customer)
}

/// Changes the fields sent, if the customer is still at the version `If-Match` names.
#[utoipa::path(
    patch,
    path = "/api/v1/customers/{id}",
    tag = "customers",
    operation_id = "update_customer",
    params(
        ("id" = String, Path, description = "The customer's id."),
        ("If-Match" = String, Header, pattern = r#"^"[0-9]{1,18}"$"#,
            description = "The `ETag` the customer was read with."),
    ),
    request_body(content = CustomerChanges, content_type = "application/json"),
    responses(
        (status = 200, description = "Changed.", body = Customer,
            headers(("ETag" = String, description = "Its new version.")),
            links(
                ("GetCustomer" = (operation_id = "get_customer", parameters(("id" = "$response.body#/id")))),
                ("UpdateCustomer" = (operation_id = "update_customer", parameters(("id" = "$response.body#/id"), ("header.If-Match" = "$response.header.ETag")))),
                ("DeleteCustomer" = (operation_id = "delete_customer", parameters(("id" = "$response.body#/id"), ("header.If-Match" = "$response.header.ETag")))),
            )),
        (status = 400, description = "A body that is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No usable key.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key's role lacks `customers.read` and `customers.write` (or `customers.sensitive` for a tax id).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer within the key's reach.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed by someone else during this request, or the change is not possible in the customer's state (a company with contacts cannot become a person).", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The customer changed since that `ETag`: read it again.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A body over 256 KiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A body not declared as `application/json`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field out of its rules, or a malformed `If-Match`; `field` names it.", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match`.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The key is over its budget; `Retry-After` says for how long.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    KeyCaller(held): KeyCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    answer(
        async {
            let write = held.grant::<keys::CustomersWrite>()?;
            let id = CustomerId::from_client(&id)?;
            let expected = if_match(&headers)?;
            let raw = body::bytes(raw)?;
            let changes: CustomerChanges = body::json(&headers, &raw)?;
            check(
                &held,
                changes.name.as_deref(),
                changes.email.as_deref(),
                changes.phone.as_deref(),
                changes.company.as_deref(),
                changes.tax_id.as_deref(),
                changes.notes.as_deref(),
            )?;
            let now = current(&state, &held, &id, expected).await?;
            let form = CustomerForm {
                kind: changes.kind.unwrap_or(now.kind.into()).key().to_owned(),
                name: changes.name.unwrap_or(now.name),
                email: changes.email.unwrap_or(now.email),
                phone: changes.phone.unwrap_or(now.phone),
                company: changes.company.unwrap_or(now.company),
                tax_id: changes.tax_id.or(now.tax_id).unwrap_or_default(),
                notes: changes.notes.unwrap_or(now.notes),
                assigned_user_id: now
                    .assigned_user_id
                    .map(|u| u.as_str().to_owned())
                    .unwrap_or_default(),
                team_id: now
                    .team_id
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default(),
            };
            let ctx = &state.ctx;
            let changed = customers::update(&ctx.db, &ctx.clock, &write, &id, expected, &form)
                .await
                .map_err(|e| state_conflict(e.into()))?;
            Ok(with_etag(StatusCode::OK, changed, None))
        }
        .await,
    )
}

/// Deletes the customer, if it is still at the version `If-Match` names. Its files, contacts
/// and addresses go with it; a customer that quotes or orders still name is kept (409).
#[utoipa::path(
    delete,
    path = "/api/v1/customers/{id}",
    tag = "customers",
    operation_id = "delete_customer",
    params(
        ("id" = String, Path, description = "The customer's id."),
        ("If-Match" = String, Header, pattern = r#"^"[0-9]{1,18}"$"#,
            description = "The `ETag` the customer was read with."),
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No usable key.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key's role lacks `customers.read` and `customers.delete`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer within the key's reach.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed during this request, or still named by quotes or orders.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The customer changed since that `ETag`: read it again.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A malformed `If-Match`.", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match`.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The key is over its budget; `Retry-After` says for how long.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn delete(
    State(state): State<AppState>,
    KeyCaller(held): KeyCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            let grant = held.grant::<keys::CustomersDelete>()?;
            let id = CustomerId::from_client(&id)?;
            let expected = if_match(&headers)?;
            current(&state, &held, &id, expected).await?;
            let ctx = &state.ctx;
            customers::delete(&ctx.db, &ctx.clock, &grant, &id, Some(expected)).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}
