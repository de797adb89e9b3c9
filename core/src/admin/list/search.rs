//! What the admin's search matches: users whose `search_key` contains the lowercased search,
//! `%` and `_` included literally. `LIKE '%term%'` decides on every backend; the trigram
//! indexes of migration `m20261203_000012_user_search_index` only bring the database to the
//! rows worth asking.
//!
//! A trigram index is quick to find a rare term's few users and slow to find a common term's
//! many (it reads every entry of each trigram), while the plain filter, walking the sort
//! order's index, fills a page of a common term at once but reads the whole company for a
//! rare one. So a search first asks for the ids of at most [`FEW`] matches, in no order, and
//! pages those; a term with more takes the plain filter, as before the index existed.
//!
//! SQLite is told the candidates by its FTS5 table; PostgreSQL reaches them through its GIN
//! index. Asked for a sorted page straight away, PostgreSQL's planner chose between that index
//! and a walk of the name order from its guess of how many match, taken from a sample of the
//! table: at 100,000 users about one `ANALYZE` in twelve (6 of 72 tried) put a match of
//! "user0004" in the sample, guessed a thousand matches, and walked all 100,000 names for a
//! page of the real hundred (21 ms against 1 ms through the index). The unordered ids took the
//! index after each of 30 `ANALYZE`s checked, 3 of which misled the sorted page.

use anyhow::Context;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use crate::entities::user;

/// The most users a search takes through the trigram table: sorting a thousand costs less
/// than reading a large company, and a thousand bound ids is well within SQLite's limit.
pub(super) const FEW: u64 = 1_000;

/// The shortest search a trigram index can answer: one trigram.
const TRIGRAM: usize = 3;

/// The company's users whose key contains `search` (lowercased, trimmed; empty: everyone),
/// as a plain filter.
pub(super) fn matching(company_id: Uuid, search: &str) -> Condition {
    let in_company = Condition::all().add(user::Column::CompanyId.eq(company_id));
    if search.is_empty() {
        return in_company;
    }
    in_company.add(contains(search))
}

/// The ids of the company's users `search` finds (lowercased, trimmed), when an index can
/// find them (a search of at least a trigram) and they are at most `few`. `None`: the plain
/// filter counts and pages them.
pub(super) async fn few_matches(
    db: &impl ConnectionTrait,
    company_id: Uuid,
    search: &str,
    few: u64,
) -> anyhow::Result<Option<Vec<Uuid>>> {
    if search.chars().count() < TRIGRAM {
        return Ok(None);
    }
    let filter = match db.get_database_backend() {
        DbBackend::Sqlite => match narrowed(db, company_id, search, few).await? {
            Some(narrowed) => narrowed,
            None => return Ok(None),
        },
        _ => matching(company_id, search),
    };
    let ids: Vec<Uuid> = ids_among(filter, few)
        .into_tuple()
        .all(db)
        .await
        .context("searching users")?;
    Ok((ids.len() as u64 <= few).then_some(ids))
}

/// The statement [`few_matches`] asks: the ids of up to `few + 1` of `filter`'s users, in no
/// order (one more than `few` tells that there are more).
pub(super) fn ids_among(filter: Condition, few: u64) -> sea_orm::Select<user::Entity> {
    user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(filter)
        .limit(few + 1)
}

/// The same users as [`matching`], among at most `few` candidates from SQLite's trigram
/// table; `None` when more than `few` users have the trigrams of `search` (at least one
/// trigram long). The candidates are fetched first, not asked for in a subquery: SQLite would
/// read all of a common term's before applying any limit.
pub(super) async fn narrowed(
    db: &impl ConnectionTrait,
    company_id: Uuid,
    search: &str,
    few: u64,
) -> anyhow::Result<Option<Condition>> {
    let candidates = db
        .query_all(&candidates(search, few + 1))
        .await
        .context("searching the users' trigrams")?
        .iter()
        .map(|row| row.try_get_by_index::<Uuid>(0))
        .collect::<Result<Vec<_>, _>>()
        .context("reading the users' trigrams")?;
    if candidates.len() as u64 > few {
        return Ok(None);
    }
    Ok(Some(
        Condition::all()
            // SQLite guesses a company is small, so it would rather walk the company's index
            // checking each user against the candidates than look the candidates up: at
            // 100,000 users that walk is most of the search. `+` hides the index from it.
            .add(Expr::cust(r#"+"users"."company_id""#).eq(company_id))
            .add(user::Column::Id.is_in(candidates))
            .add(contains(search)),
    ))
}

fn contains(search: &str) -> Expr {
    let pattern = LikeExpr::new(format!("%{}%", escape_like(search))).escape('\\');
    Expr::col((user::Entity, user::Column::SearchKey)).like(pattern)
}

/// Up to `limit` ids of users, of any company, whose key has every trigram of `search` in
/// order (SQLite's FTS5 table): a phrase query, in which only `"` is special (doubled).
/// Whatever the tokenizer folds can only add candidates, never drop a match: `LIKE` decides.
pub(super) fn candidates(search: &str, limit: u64) -> sea_orm::sea_query::SelectStatement {
    let phrase = format!("\"{}\"", search.replace('"', "\"\""));
    Query::select()
        .column(Alias::new("user_id"))
        .from(Alias::new("user_search"))
        .and_where(Expr::cust_with_values("user_search MATCH ?", [phrase]))
        .limit(limit)
        .to_owned()
}

/// Makes `%`, `_` and `\` in a search match themselves.
fn escape_like(input: &str) -> String {
    input
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}
