//! Paged lists, shared by the database queries and the pages that show them.

use serde::{Deserialize, Serialize};

/// One page of a longer list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// Rows matching the query, over all pages.
    pub total: u64,
    /// 1-based.
    pub page: u64,
    pub page_count: u64,
}

impl<T> Page<T> {
    /// Page `page` of a list of `total` rows, `per_page` a page.
    pub fn new(rows: Vec<T>, total: u64, page: u64, per_page: u64) -> Self {
        Self {
            rows,
            total,
            page,
            page_count: Self::count(total, per_page),
        }
    }

    /// How many pages `total` rows fill; an empty list still shows one (empty) page.
    pub fn count(total: u64, per_page: u64) -> u64 {
        Ord::max(total.div_ceil(per_page.max(1)), 1)
    }

    /// The same page with each row converted.
    pub fn map<U>(self, convert: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(convert).collect(),
            total: self.total,
            page: self.page,
            page_count: self.page_count,
        }
    }
}

/// The user list's sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum UserSort {
    #[default]
    Name,
    Username,
    Email,
    Role,
    LastLogin,
}

impl UserSort {
    pub const ALL: [UserSort; 5] = [
        UserSort::Name,
        UserSort::Username,
        UserSort::Email,
        UserSort::Role,
        UserSort::LastLogin,
    ];

    /// The spelling in the page's address (`?sort=`).
    pub fn as_str(self) -> &'static str {
        match self {
            UserSort::Name => "name",
            UserSort::Username => "username",
            UserSort::Email => "email",
            UserSort::Role => "role",
            UserSort::LastLogin => "last_login",
        }
    }

    /// An address's `sort=` value; `None` for anything else.
    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.as_str() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_round_trip_and_unknown_keys_are_refused() {
        for sort in UserSort::ALL {
            assert_eq!(UserSort::parse(sort.as_str()), Some(sort));
        }
        assert_eq!(UserSort::parse("password_hash"), None);
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        let page = |total| Page::<()>::new(vec![], total, 1, 25);
        assert_eq!(page(0).page_count, 1);
        assert_eq!(page(25).page_count, 1);
        assert_eq!(page(26).page_count, 2);
    }
}
