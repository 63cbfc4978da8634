//! Apple Podcasts' categories, as a static table: the picker offers only these (the API checks
//! the same list, `api/src/podcasts/itunes.rs`).

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

/// The picker's value of a category: `Category` or `Category|Subcategory`.
pub fn value_of(category: &str, subcategory: Option<&str>) -> String {
    match subcategory {
        Some(sub) => format!("{category}|{sub}"),
        None => category.to_owned(),
    }
}

/// The category and subcategory a picker value names, if Apple has them.
pub fn parse(value: &str) -> Option<(&'static str, Option<&'static str>)> {
    let (category, sub) = match value.split_once('|') {
        Some((c, s)) => (c, Some(s)),
        None => (value, None),
    };
    let (name, subs) = TAXONOMY.iter().find(|(name, _)| *name == category)?;
    match sub {
        None => Some((name, None)),
        Some(sub) => subs.iter().find(|s| **s == sub).map(|s| (*name, Some(*s))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picker_values_name_apples_categories_only() {
        assert_eq!(parse("Technology"), Some(("Technology", None)));
        assert_eq!(parse("News|Tech News"), Some(("News", Some("Tech News"))));
        assert_eq!(parse("News|Cooking"), None);
        assert_eq!(parse("Gadgets"), None);
        assert_eq!(value_of("News", Some("Tech News")), "News|Tech News");
    }
}
