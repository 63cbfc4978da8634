//! Apple Podcasts categories: the fixed taxonomy a podcast's categories must come from.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// Most categories a podcast may list.
pub const MAX_CATEGORIES: usize = 3;

/// Every category with its subcategories, as Apple publishes them.
pub const TAXONOMY: &[(&str, &[&str])] = &[
    (
        "Arts",
        &[
            "Books",
            "Design",
            "Fashion & Beauty",
            "Food",
            "Performing Arts",
            "Visual Arts",
        ],
    ),
    (
        "Business",
        &[
            "Careers",
            "Entrepreneurship",
            "Investing",
            "Management",
            "Marketing",
            "Non-Profit",
        ],
    ),
    ("Comedy", &["Comedy Interviews", "Improv", "Stand-Up"]),
    (
        "Education",
        &["Courses", "How To", "Language Learning", "Self-Improvement"],
    ),
    ("Fiction", &["Comedy Fiction", "Drama", "Science Fiction"]),
    ("Government", &[]),
    ("History", &[]),
    (
        "Health & Fitness",
        &[
            "Alternative Health",
            "Fitness",
            "Medicine",
            "Mental Health",
            "Nutrition",
            "Sexuality",
        ],
    ),
    (
        "Kids & Family",
        &[
            "Education for Kids",
            "Parenting",
            "Pets & Animals",
            "Stories for Kids",
        ],
    ),
    (
        "Leisure",
        &[
            "Animation & Manga",
            "Automotive",
            "Aviation",
            "Crafts",
            "Games",
            "Hobbies",
            "Home & Garden",
            "Video Games",
        ],
    ),
    (
        "Music",
        &["Music Commentary", "Music History", "Music Interviews"],
    ),
    (
        "News",
        &[
            "Business News",
            "Daily News",
            "Entertainment News",
            "News Commentary",
            "Politics",
            "Sports News",
            "Tech News",
        ],
    ),
    (
        "Religion & Spirituality",
        &[
            "Buddhism",
            "Christianity",
            "Hinduism",
            "Islam",
            "Judaism",
            "Religion",
            "Spirituality",
        ],
    ),
    (
        "Science",
        &[
            "Astronomy",
            "Chemistry",
            "Earth Sciences",
            "Life Sciences",
            "Mathematics",
            "Natural Sciences",
            "Nature",
            "Physics",
            "Social Sciences",
        ],
    ),
    (
        "Society & Culture",
        &[
            "Documentary",
            "Personal Journals",
            "Philosophy",
            "Places & Travel",
            "Relationships",
        ],
    ),
    (
        "Sports",
        &[
            "Baseball",
            "Basketball",
            "Cricket",
            "Fantasy Sports",
            "Football",
            "Golf",
            "Hockey",
            "Rugby",
            "Running",
            "Soccer",
            "Swimming",
            "Tennis",
            "Volleyball",
            "Wilderness",
            "Wrestling",
        ],
    ),
    ("Technology", &[]),
    ("True Crime", &[]),
    (
        "TV & Film",
        &[
            "After Shows",
            "Film History",
            "Film Interviews",
            "Film Reviews",
            "TV Reviews",
        ],
    ),
];

// What a podcast stores (as JSON), takes (`ItunesCategoryInput`) and shows
// (`ItunesCategoryObject`) alike.
/// An Apple Podcasts category, optionally narrowed to a subcategory.
#[derive(
    Serialize,
    Deserialize,
    Clone,
    Debug,
    PartialEq,
    Eq,
    async_graphql::SimpleObject,
    async_graphql::InputObject,
)]
#[graphql(name = "ItunesCategoryObject", input_name = "ItunesCategoryInput")]
pub struct ItunesCategory {
    /// Top-level category, e.g. `Technology`.
    pub category: String,
    /// Subcategory, e.g. `Tech News` under `News`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<String>,
}

/// One of Apple's top-level categories with its subcategories, as `itunesCategories` lists it.
#[derive(async_graphql::SimpleObject, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ItunesCategory")]
pub struct AppleCategory {
    /// The category's name, e.g. `Technology` (what `ItunesCategoryInput.category` takes).
    pub name: &'static str,
    /// Its subcategories in Apple's order (what `ItunesCategoryInput.subcategory` takes);
    /// empty when it has none.
    pub subcategories: Vec<&'static str>,
}

/// The `itunesCategories` query.
#[derive(Default, Debug)]
pub struct ItunesQuery;

#[async_graphql::Object]
impl ItunesQuery {
    /// Apple Podcasts' categories with their subcategories, in Apple's order: the only values
    /// a podcast's `itunesCategories` accepts. Anyone may read it.
    async fn itunes_categories(&self) -> Vec<AppleCategory> {
        TAXONOMY
            .iter()
            .map(|(name, subs)| AppleCategory {
                name,
                subcategories: subs.to_vec(),
            })
            .collect()
    }
}

/// Checks categories against the taxonomy and serialises them for storage.
pub fn check(categories: &[ItunesCategory]) -> AppResult<String> {
    if categories.len() > MAX_CATEGORIES {
        return Err(AppError::validation(format!(
            "itunesCategories: at most {MAX_CATEGORIES} categories"
        )));
    }
    for c in categories {
        let Some((_, subs)) = TAXONOMY.iter().find(|(name, _)| *name == c.category) else {
            return Err(AppError::validation(format!(
                "itunesCategories: `{}` is not an Apple Podcasts category",
                c.category.chars().take(64).collect::<String>()
            )));
        };
        if let Some(sub) = &c.subcategory
            && !subs.contains(&sub.as_str())
        {
            return Err(AppError::validation(format!(
                "itunesCategories: `{}` is not a subcategory of `{}`",
                sub.chars().take(64).collect::<String>(),
                c.category
            )));
        }
    }
    serde_json::to_string(categories).map_err(AppError::internal)
}

/// Parses stored categories.
pub fn parse(stored: &str) -> Vec<ItunesCategory> {
    serde_json::from_str(stored).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(c: &str, s: Option<&str>) -> ItunesCategory {
        ItunesCategory {
            category: c.into(),
            subcategory: s.map(Into::into),
        }
    }

    #[test]
    fn only_apple_categories_are_accepted() {
        assert!(check(&[cat("Technology", None), cat("News", Some("Tech News"))]).is_ok());
        assert!(check(&[cat("Tech", None)]).is_err());
        assert!(check(&[cat("News", Some("Books"))]).is_err());
    }
}
