//! A permission check — does this person hold `customers.export`? — in Gatehouse and in
//! casbin-rs with the same policy, at 10, 1,000 and 10,000 roles.
//!
//! The policy: every role holds a few keys; role `r{n}` for n divisible by 7 also holds
//! `customers.export`; the person holds one role. Gatehouse's check is what a request does once
//! the person's roles are loaded (`grants::combine` over the held roles, then a bit test);
//! casbin's is `enforce(user, "customers", "export")` on an RBAC model with the same grants.
//!
//! Run: `cargo bench -p app --features ssr --bench permission_check`.

use std::collections::HashMap;
use std::hint::black_box;

use casbin::{CoreApi, DefaultModel, Enforcer, MemoryAdapter, MgmtApi, RbacApi};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

use app::permissions::{Permission, PermissionSet};
use app::server::access::grants::{combine, RoleContents};

const SIZES: [usize; 3] = [10, 1_000, 10_000];
const BASE_KEYS: [Permission; 3] = [
    Permission::CustomersRead,
    Permission::OrdersRead,
    Permission::TicketsRead,
];

fn holds_export(n: usize) -> bool {
    n.is_multiple_of(7)
}

fn gatehouse_roles(count: usize) -> HashMap<String, RoleContents> {
    (0..count)
        .map(|n| {
            let mut permissions: PermissionSet = BASE_KEYS.into_iter().collect();
            if holds_export(n) {
                permissions.insert(Permission::CustomersExport);
            }
            (
                format!("r{n}"),
                RoleContents {
                    permissions,
                    ..RoleContents::default()
                },
            )
        })
        .collect()
}

const MODEL: &str = r#"
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
"#;

fn casbin_enforcer(rt: &tokio::runtime::Runtime, count: usize, held: &str) -> Enforcer {
    rt.block_on(async {
        let model = DefaultModel::from_str(MODEL).await.unwrap();
        let mut e = Enforcer::new(model, MemoryAdapter::default())
            .await
            .unwrap();
        let mut rules = Vec::new();
        for n in 0..count {
            for key in BASE_KEYS {
                let (obj, act) = key.key().split_once('.').unwrap();
                rules.push(vec![format!("r{n}"), obj.to_owned(), act.to_owned()]);
            }
            if holds_export(n) {
                rules.push(vec![format!("r{n}"), "customers".into(), "export".into()]);
            }
        }
        e.add_policies(rules).await.unwrap();
        e.add_role_for_user("ada", held, None).await.unwrap();
        e
    })
}

fn permission_check(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("permission_check");
    for count in SIZES {
        // The held role is the last one created, so neither side finds it early by luck.
        let held = format!("r{}", (count - 1) / 7 * 7);
        let roles = gatehouse_roles(count);
        assert!(combine(&[&held], &roles)
            .permissions
            .contains(Permission::CustomersExport));
        group.bench_with_input(BenchmarkId::new("gatehouse", count), &count, |b, _| {
            b.iter(|| {
                combine(black_box(&[held.as_str()]), black_box(&roles))
                    .permissions
                    .contains(black_box(Permission::CustomersExport))
            })
        });
        let enforcer = casbin_enforcer(&rt, count, &held);
        assert!(enforcer.enforce(("ada", "customers", "export")).unwrap());
        group.bench_with_input(BenchmarkId::new("casbin", count), &count, |b, _| {
            b.iter(|| {
                enforcer
                    .enforce(black_box(("ada", "customers", "export")))
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, permission_check);
criterion_main!(benches);
