//! The list's cost as the company grows, on SQLite and (given `TEST_DATABASE_URL`) PostgreSQL.

use super::*;

/// `cargo test --release -p latch-core user_list_at_scale -- --ignored --nocapture`:
/// p50/p95 of the admin's list (page 1, a middle page, a rare and a common search) at 1,000
/// and 100,000 users in one company, SQLite in memory and, when `TEST_DATABASE_URL` names a
/// PostgreSQL server, again in a fresh database of its own there.
#[tokio::test]
#[ignore = "benchmark: run explicitly"]
async fn user_list_at_scale() {
    let postgres = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"));
    println!("| backend | users | view | p50 ms | p95 ms |");
    println!("|---|---:|---|---:|---:|");
    for size in [1_000usize, 100_000] {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        measure("SQLite", &db, size).await;
    }
    let Some(server_url) = postgres else {
        return;
    };
    for size in [1_000usize, 100_000] {
        let scratch = ScratchPostgres::create(&server_url).await;
        let db = crate::db::connect(&scratch.url).await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        measure("PostgreSQL", &db, size).await;
        db.close().await.unwrap();
        scratch.drop_database().await;
    }
}

/// Prints one row per view: `size` members in one company of `db`, 40 runs each.
async fn measure(backend: &str, db: &DatabaseConnection, size: usize) {
    let admin = company_in(db, size).await;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // Autovacuum analyses a table this size within a minute of the load; measure the
        // steady state, not the planner's guesses in that first minute.
        db.execute_unprepared("ANALYZE users").await.unwrap();
    }
    let middle = (size as u64 / 25) / 2;
    let views = [
        ("page 1, by name", UserQuery::default()),
        (
            "middle page, by name",
            UserQuery {
                page: middle,
                ..UserQuery::default()
            },
        ),
        (
            "middle page, by last login desc",
            UserQuery {
                page: middle,
                sort: UserSort::LastLogin,
                descending: true,
                ..UserQuery::default()
            },
        ),
        (
            "search \"user0004\"",
            UserQuery {
                search: "user0004".to_owned(),
                ..UserQuery::default()
            },
        ),
        (
            "search \"@example.co.id\", which every user matches",
            UserQuery {
                search: "@example.co.id".to_owned(),
                ..UserQuery::default()
            },
        ),
    ];
    print_plans(db, &admin, &views[3].1, size).await;
    for (label, query) in views {
        let mut times = Vec::new();
        for _ in 0..40 {
            let start = std::time::Instant::now();
            let found = list_users(db, &admin, &query).await.unwrap();
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            assert!(found.rows.len() <= 25);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| {backend} | {size} | {label} | {:.2} | {:.2} |",
            times[times.len() / 2],
            times[times.len() * 95 / 100]
        );
    }
}

/// The plans of `query`'s statements at `size` users on stderr (the table on stdout stays a
/// table; `bench/run` adds them to its results).
async fn print_plans(db: &DatabaseConnection, admin: &Admin, query: &UserQuery, size: usize) {
    let backend = db.get_database_backend();
    let search = query.search.to_lowercase();
    let (explain, column) = match backend {
        sea_orm::DbBackend::Postgres => ("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)", "QUERY PLAN"),
        _ => ("EXPLAIN QUERY PLAN", "detail"),
    };
    let company_id = admin.company_id();
    let found = search::few_matches(db, company_id, &search, search::FEW)
        .await
        .unwrap();
    let statements = match found {
        Some(found) => {
            let mut statements = Vec::new();
            let filter = if backend == sea_orm::DbBackend::Sqlite {
                let candidates = search::candidates(&search, search::FEW + 1);
                statements.push(("candidates", backend.build(&candidates)));
                search::narrowed(db, company_id, &search, search::FEW)
                    .await
                    .unwrap()
                    .unwrap()
            } else {
                search::matching(company_id, &search)
            };
            let ids = search::ids_among(filter, search::FEW);
            statements.push(("ids", sea_orm::QueryTrait::build(&ids, backend)));
            let found = Condition::all().add(user::Column::Id.is_in(found));
            let page = page_select(found, query, 1, 25);
            statements.push(("page", sea_orm::QueryTrait::build(&page, backend)));
            statements
        }
        None => {
            let filter = search::matching(company_id, &search);
            let count = user::Entity::find().filter(filter.clone());
            let page = page_select(filter, query, 1, 25);
            vec![
                ("count", sea_orm::QueryTrait::build(&count, backend)),
                ("page", sea_orm::QueryTrait::build(&page, backend)),
            ]
        }
    };
    for (what, statement) in statements {
        let plan = plan_of(db, explain, &statement, column).await;
        eprintln!(
            "{backend:?} at {size} users, {what} of search {search:?}: {}",
            statement.sql
        );
        for step in plan {
            eprintln!("    {step}");
        }
    }
}

/// A database of the benchmark's own on a PostgreSQL server. Dropped explicitly at the end:
/// a benchmark that panics leaves a `latch_bench_...` database behind to look at.
struct ScratchPostgres {
    server_url: String,
    name: String,
    url: String,
}

impl ScratchPostgres {
    async fn create(server_url: &str) -> Self {
        let name = format!("latch_bench_{}", Uuid::new_v4().simple());
        let server = sea_orm::Database::connect(server_url).await.unwrap();
        server
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let mut url = url::Url::parse(server_url).unwrap();
        url.set_path(&name);
        Self {
            server_url: server_url.to_owned(),
            name,
            url: url.to_string(),
        }
    }

    async fn drop_database(self) {
        let server = sea_orm::Database::connect(&self.server_url).await.unwrap();
        server
            .execute_unprepared(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .await
            .unwrap();
    }
}
