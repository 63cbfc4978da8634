//! The discovery pages (home, channel, search, tag, category, trending, popular) and the cards
//! and notices they share.
//!
//! Keep each key on one line: the browser test that walks the pages in French reads the
//! English texts from this file.

use super::Locale;
use crate::format;

crate::messages! {
    /// Keys of the discovery pages and their cards.
    Discovery {
        Trending => "Trending", "Tendances";
        TrendingIntro => "What people watched most in the last few days.", "Ce que l’on a le plus regardé ces derniers jours.";
        Popular => "Popular", "Populaires";
        PopularIntro => "The most watched videos of all time.", "Les vidéos les plus vues de tous les temps.";
        LatestVideos => "Latest videos", "Dernières vidéos";
        Channels => "Channels", "Chaînes";
        Podcasts => "Podcasts", "Podcasts" (same);
        Playlists => "Playlists", "Playlists" (same);
        Videos => "Videos", "Vidéos";
        Episodes => "Episodes", "Épisodes";
        SeeAll => "See all", "Tout voir";
        MoreVideos => "More videos", "Plus de vidéos";
        MoreResults => "More results", "Plus de résultats";
        NoVideos => "No videos yet.", "Pas encore de vidéos.";
        NoPlaylists => "No playlists yet.", "Pas encore de playlists.";
        NoPodcasts => "No podcasts yet.", "Pas encore de podcasts.";
        Browse => "Browse by topic", "Parcourir par thème";
        Categories => "Categories", "Catégories";
        Tags => "Tags", "Mots-clés";
        SubCategories => "Inside this category", "Dans cette catégorie";
        TagHeading => "Videos tagged", "Vidéos avec le mot-clé";
        CategoryHeading => "Category", "Catégorie";
        SortLabel => "Sort by", "Trier par";
        SortNewest => "Newest", "Plus récentes";
        SortTrending => "Trending now", "Tendance du moment";
        SortMostViewed => "Most viewed", "Plus vues";
        ChannelSections => "Channel sections", "Sections de la chaîne";
        About => "About", "À propos";
        RssFeed => "RSS feed", "Flux RSS";
        Created => "Created", "Créée";
        TotalViews => "Total views", "Vues au total";
        NoDescription => "This channel has no description yet.", "Cette chaîne n’a pas encore de description.";
        SearchHeading => "Search", "Recherche";
        SearchField => "Search videos, podcasts and channels", "Rechercher des vidéos, des podcasts et des chaînes";
        Filters => "Filters", "Filtres";
        TypeFilter => "Type", "Type" (same);
        DateFilter => "Uploaded", "Mise en ligne";
        Everything => "Everything", "Tout";
        AnyTime => "Any time", "Toutes les dates";
        Today => "Today", "Aujourd’hui";
        ThisWeek => "This week", "Cette semaine";
        ThisMonth => "This month", "Ce mois-ci";
        ThisYear => "This year", "Cette année";
        TypeToSearch => "Type a word to search.", "Saisissez un mot pour chercher.";
        NothingMatches => "Nothing matches.", "Aucun résultat.";
        KindEpisode => "Episode", "Épisode";
        KindChannel => "Channel", "Chaîne";
        KindPodcast => "Podcast", "Podcast" (same);
        KindPlaylist => "Playlist", "Playlist" (same);
        Length => "Length", "Durée";
        SomethingWentWrong => "Something went wrong:", "Une erreur s’est produite :";
        Gone => "This is no longer available.", "Ce contenu n’est plus disponible.";
    }
}

/// "12 videos", "1 vidéo".
pub fn videos(locale: Locale, n: i64) -> String {
    let shown = format::number(locale, n);
    match locale {
        Locale::En if n == 1 => format!("{shown} video"),
        Locale::En => format!("{shown} videos"),
        Locale::Fr if n.abs() < 2 => format!("{shown}\u{a0}vidéo"),
        Locale::Fr => format!("{shown}\u{a0}vidéos"),
    }
}

/// "3 playlists", "1 playlist".
pub fn playlists(locale: Locale, n: i64) -> String {
    let shown = format::number(locale, n);
    let many = match locale {
        Locale::En => n != 1,
        Locale::Fr => n.abs() >= 2,
    };
    format!(
        "{shown}\u{a0}{}",
        if many { "playlists" } else { "playlist" }
    )
}

/// "2 podcasts", "1 podcast".
pub fn podcasts(locale: Locale, n: i64) -> String {
    let shown = format::number(locale, n);
    let many = match locale {
        Locale::En => n != 1,
        Locale::Fr => n.abs() >= 2,
    };
    format!("{shown}\u{a0}{}", if many { "podcasts" } else { "podcast" })
}

/// "4 matches", "1 résultat".
pub fn matches(locale: Locale, n: i64) -> String {
    let shown = format::number(locale, n);
    match locale {
        Locale::En if n == 1 => format!("{shown} match"),
        Locale::En => format!("{shown} matches"),
        Locale::Fr if n.abs() < 2 => format!("{shown}\u{a0}résultat"),
        Locale::Fr => format!("{shown}\u{a0}résultats"),
    }
}

/// "Results for “word”", "Résultats pour « word »".
pub fn results_for(locale: Locale, query: &str) -> String {
    match locale {
        Locale::En => format!("Results for “{query}”"),
        Locale::Fr => format!("Résultats pour «\u{a0}{query}\u{a0}»"),
    }
}

/// The alternative text of a channel's avatar: "Name's avatar", "Avatar de Name".
pub fn avatar_of(locale: Locale, name: &str) -> String {
    match locale {
        Locale::En => format!("{name}’s avatar"),
        Locale::Fr => format!("Avatar de {name}"),
    }
}

/// A card's line under the title: "1,234 views · 3 days ago".
pub fn views_and_age(locale: Locale, views: i64, published: &str, now: i64) -> String {
    let views = format::views(locale, views);
    match format::parse_time(published) {
        Some(then) => format!("{views} · {}", format::relative_time(locale, then, now)),
        None => views,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_discovery_text_is_written_in_english_and_french() {
        super::super::check_area(Discovery::ALL, Discovery::same_in_both);
    }

    #[test]
    fn counts_take_each_languages_plural() {
        assert_eq!(videos(Locale::En, 1), "1 video");
        assert_eq!(videos(Locale::En, 0), "0 videos");
        assert_eq!(videos(Locale::Fr, 0), "0\u{a0}vidéo");
        assert_eq!(videos(Locale::Fr, 1500), "1\u{202f}500\u{a0}vidéos");
        assert_eq!(matches(Locale::En, 2), "2 matches");
        assert_eq!(matches(Locale::Fr, 1), "1\u{a0}résultat");
        assert_eq!(playlists(Locale::En, 1), "1\u{a0}playlist");
        assert_eq!(podcasts(Locale::Fr, 3), "3\u{a0}podcasts");
        assert_eq!(
            views_and_age(
                Locale::En,
                1234,
                "2026-11-25T10:00:00Z",
                1_795_600_800 + 3 * 86_400
            ),
            "1,234 views · 3 days ago"
        );
    }
}
