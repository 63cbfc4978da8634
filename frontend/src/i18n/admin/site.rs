//! Channels, playlists, categories and tags.

use crate::format;
use crate::i18n::Locale;

crate::messages! {
    /// Keys of the channels, playlists and taxonomy pages.
    SitePages {
        ChannelsYouManage => "Channels you manage", "Chaînes que vous gérez";
        NoChannels => "You manage no channels yet.", "Vous ne gérez encore aucune chaîne.";
        NewChannel => "New channel", "Nouvelle chaîne";
        Name => "Name", "Nom";
        SlugOptional => "Slug (optional: made from the name)", "Slug (facultatif : tiré du nom)";
        DescriptionOptional => "Description (Markdown, optional)", "Description (Markdown, facultative)";
        CreateChannel => "Create channel", "Créer la chaîne";
        ChannelCreated => "Channel created.", "Chaîne créée.";
        ChannelDeleted => "Channel deleted.", "Chaîne supprimée.";
        NothingChanged => "Nothing to save: no field was changed.", "Rien à enregistrer : aucun champ n’a été modifié.";
        Saved => "Saved.", "Enregistré.";
        ChoosePicture => "Choose a picture first (JPEG, PNG or WebP).", "Choisissez d’abord une image (JPEG, PNG ou WebP).";
        ViewOnSite => "View on the site", "Voir sur le site";
        AllChannels => "All channels", "Toutes les chaînes";
        Details => "Details", "Détails";
        ChannelSlug => "Slug (its address: /channels/slug)", "Slug (son adresse : /channels/slug)";
        Description => "Description (Markdown)", "Description (Markdown)" (same);
        Save => "Save", "Enregistrer";
        Pictures => "Pictures", "Images";
        AvatarLabel => "Avatar (square, JPEG, PNG or WebP)", "Avatar (carré, JPEG, PNG ou WebP)";
        AvatarAlt => "The channel's avatar", "L’avatar de la chaîne";
        UploadAvatar => "Upload avatar", "Envoyer l’avatar";
        BannerLabel => "Banner (wide, JPEG, PNG or WebP)", "Bannière (large, JPEG, PNG ou WebP)";
        BannerAlt => "The channel's banner", "La bannière de la chaîne";
        UploadBanner => "Upload banner", "Envoyer la bannière";
        Avatar => "Avatar", "Avatar" (same);
        Banner => "Banner", "Bannière";
        Members => "Members", "Membres";
        AddMemberLabel => "Add a member by email", "Ajouter un membre par adresse e-mail";
        TheirRole => "Their role", "Son rôle";
        EditorLong => "Editor (manages the content)", "Éditeur (gère le contenu)";
        OwnerLong => "Owner (also manages members)", "Propriétaire (gère aussi les membres)";
        AddMember => "Add member", "Ajouter le membre";
        DeleteThisChannel => "Delete this channel…", "Supprimer cette chaîne…";
        DeleteChannelAll => "Delete the channel and all of it", "Supprimer la chaîne et tout son contenu";
        Editor => "Editor", "Éditeur";
        Owner => "Owner", "Propriétaire";
        ChangeRole => "Change role", "Changer le rôle";
        Remove => "Remove", "Retirer";
        Public => "Public", "Publique";
        UnlistedLong => "Unlisted (anyone with the link)", "Non répertoriée (toute personne ayant le lien)";
        PrivateLong => "Private (channel members only)", "Privée (membres de la chaîne seulement)";
        CreateChannelFirst => "Create a channel first: playlists belong to one.",
            "Créez d’abord une chaîne : une liste de lecture appartient à une chaîne.";
        PlaylistCreated => "Playlist created.", "Liste de lecture créée.";
        NewPlaylist => "New playlist", "Nouvelle liste de lecture";
        Channel => "Channel", "Chaîne";
        Title => "Title", "Titre";
        Visibility => "Visibility", "Visibilité";
        CreatePlaylist => "Create playlist", "Créer la liste de lecture";
        NoPlaylists => "No playlists yet.", "Aucune liste de lecture pour l’instant.";
        Deleted => "Deleted.", "Supprimée.";
        AllPlaylists => "All playlists", "Toutes les listes de lecture";
        Videos => "Videos", "Vidéos";
        ReorderHelp => "Drag a row to move it, or focus a row and press Alt+↑ or Alt+↓, or use its buttons.",
            "Faites glisser une ligne pour la déplacer, ou placez-vous sur une ligne et appuyez sur Alt+↑ ou Alt+↓, ou utilisez ses boutons.";
        NoItems => "No videos yet: add some below.", "Aucune vidéo pour l’instant : ajoutez-en ci-dessous.";
        SearchVideos => "Add videos of the channel: search by title", "Ajouter des vidéos de la chaîne : rechercher par titre";
        Search => "Search", "Rechercher";
        Slug => "Slug", "Slug" (same);
        DeleteThisPlaylist => "Delete this playlist…", "Supprimer cette liste de lecture…";
        DeletePlaylist => "Delete the playlist", "Supprimer la liste de lecture";
        Add => "Add", "Ajouter";
        AddAgain => "Add again", "Ajouter encore";
        TaxonomyHint1 => "Categories nest (a video has one); tags are flat (a video has many). ",
            "Les catégories s’imbriquent (une vidéo en a une) ; les mots-clés sont à plat (une vidéo en a plusieurs). ";
        TaxonomyHint2 => "To fold a duplicate into another, merge it: what it was on moves over, and it goes.",
            "Pour fondre un doublon dans un autre, fusionnez-le : ce qui le portait passe à l’autre, et il disparaît.";
        MergeInto => "(merge into…)", "(fusionner dans…)";
        Merge => "Merge", "Fusionner";
        ChooseMergeTarget => "Choose what to merge it into first.", "Choisissez d’abord dans quoi le fusionner.";
        Categories => "Categories", "Catégories";
        NewCategory => "New category", "Nouvelle catégorie";
        Inside => "Inside", "Dans";
        TopLevel => "(top level)", "(premier niveau)";
        CreateCategory => "Create category", "Créer la catégorie";
        Tags => "Tags", "Mots-clés";
        NewTag => "New tag", "Nouveau mot-clé";
        CreateTag => "Create tag", "Créer le mot-clé";
        SameName => "Nothing to save: the name is the same.", "Rien à enregistrer : le nom est le même.";
        AlreadyThere => "It is already there.", "Elle y est déjà.";
        MovedTop => "Moved to the top level.", "Déplacée au premier niveau.";
        Moved => "Moved.", "Déplacée.";
        Rename => "Rename", "Renommer";
        Move => "Move", "Déplacer";
        DeleteMenu => "Delete…", "Supprimer…";
        Delete => "Delete", "Supprimer";
        KeepIt => "Keep it", "Le garder";
    }
}

/// A text of these pages with a value in it.
#[derive(Clone, Copy)]
pub enum Say<'a> {
    /// "Deleted “x”."
    DeletedNamed(&'a str),
    /// "Avatar uploaded (400 × 400 px)." (which, width, height)
    Uploaded(&'a str, i64, i64),
    /// "Added a@b.c."
    Added(&'a str),
    /// "Ann is now an owner of this channel." (who, owner?)
    MemberRole(&'a str, bool),
    /// "Removed Ann."
    Removed(&'a str),
    /// "Role of Ann"
    RoleOf(&'a str),
    /// "Channel “x”", a page title.
    ChannelTitle(&'a str),
    /// "Playlist “x”", a page title.
    PlaylistTitle(&'a str),
    /// "Moved “x” to position 2."
    MovedTo(&'a str, i64),
    /// "Added “x” at the end."
    AddedAtEnd(&'a str),
    /// "Add x", a search result's button label.
    AddLabel(&'a str),
    /// "Removed “x” from the playlist."
    RemovedFromPlaylist(&'a str),
    /// "x, position 2 of 5"
    Position(&'a str, i64, i64),
    /// "Move x up"
    MoveUp(&'a str),
    /// "Move x down"
    MoveDown(&'a str),
    /// "Remove x"
    RemoveLabel(&'a str),
    /// "Created the category “x”."
    CategoryCreated(&'a str),
    /// "Created the tag “x”."
    TagCreated(&'a str),
    /// "Renamed to “x”."
    Renamed(&'a str),
    /// "New name for x"
    NewNameFor(&'a str),
    /// "Put x inside"
    PutInside(&'a str),
    /// "Delete the tag “x” from every video?"
    DeleteTag(&'a str),
    /// "Merge “a” into “b”? …" (from, into)
    MergeQuestion(&'a str, &'a str),
    /// "Merged “a” into “b”." (from, into)
    Merged(&'a str, &'a str),
    /// "What to merge x into"
    MergeTarget(&'a str),
}

/// A text with a value in it, in `locale`.
pub fn say(locale: Locale, said: Say<'_>) -> String {
    use Say::*;
    match locale {
        Locale::En => match said {
            DeletedNamed(x) => format!("Deleted “{x}”."),
            Uploaded(which, w, h) => format!("{which} uploaded ({w} × {h} px)."),
            Added(x) => format!("Added {x}."),
            MemberRole(who, owner) => format!(
                "{who} is now {} of this channel.",
                if owner { "an owner" } else { "an editor" }
            ),
            Removed(x) => format!("Removed {x}."),
            RoleOf(x) => format!("Role of {x}"),
            ChannelTitle(x) => format!("Channel “{x}”"),
            PlaylistTitle(x) => format!("Playlist “{x}”"),
            MovedTo(x, n) => format!("Moved “{x}” to position {n}."),
            AddedAtEnd(x) => format!("Added “{x}” at the end."),
            AddLabel(x) => format!("Add {x}"),
            RemovedFromPlaylist(x) => format!("Removed “{x}” from the playlist."),
            Position(x, n, of) => format!("{x}, position {n} of {of}"),
            MoveUp(x) => format!("Move {x} up"),
            MoveDown(x) => format!("Move {x} down"),
            RemoveLabel(x) => format!("Remove {x}"),
            CategoryCreated(x) => format!("Created the category “{x}”."),
            TagCreated(x) => format!("Created the tag “{x}”."),
            Renamed(x) => format!("Renamed to “{x}”."),
            NewNameFor(x) => format!("New name for {x}"),
            PutInside(x) => format!("Put {x} inside"),
            DeleteTag(x) => format!("Delete the tag “{x}” from every video?"),
            MergeQuestion(a, b) => format!(
                "Merge “{a}” into “{b}”? Everything filed under “{a}” moves to “{b}”, and “{a}” is deleted."
            ),
            Merged(a, b) => format!("Merged “{a}” into “{b}”."),
            MergeTarget(x) => format!("What to merge {x} into"),
        },
        Locale::Fr => match said {
            DeletedNamed(x) => format!("« {x} » a été supprimé."),
            Uploaded(which, w, h) => format!("{which} envoyé(e) ({w} × {h} px)."),
            Added(x) => format!("{x} a été ajouté."),
            MemberRole(who, owner) => format!(
                "{who} est maintenant {} de cette chaîne.",
                if owner { "propriétaire" } else { "éditeur" }
            ),
            Removed(x) => format!("{x} a été retiré."),
            RoleOf(x) => format!("Rôle de {x}"),
            ChannelTitle(x) => format!("Chaîne « {x} »"),
            PlaylistTitle(x) => format!("Liste de lecture « {x} »"),
            MovedTo(x, n) => format!("« {x} » déplacée en position {n}."),
            AddedAtEnd(x) => format!("« {x} » ajoutée à la fin."),
            AddLabel(x) => format!("Ajouter {x}"),
            RemovedFromPlaylist(x) => format!("« {x} » retirée de la liste de lecture."),
            Position(x, n, of) => format!("{x}, position {n} sur {of}"),
            MoveUp(x) => format!("Monter {x}"),
            MoveDown(x) => format!("Descendre {x}"),
            RemoveLabel(x) => format!("Retirer {x}"),
            CategoryCreated(x) => format!("La catégorie « {x} » a été créée."),
            TagCreated(x) => format!("Le mot-clé « {x} » a été créé."),
            Renamed(x) => format!("Renommé en « {x} »."),
            NewNameFor(x) => format!("Nouveau nom pour {x}"),
            PutInside(x) => format!("Mettre {x} dans"),
            DeleteTag(x) => format!("Supprimer le mot-clé « {x} » de toutes les vidéos ?"),
            MergeQuestion(a, b) => format!(
                "Fusionner « {a} » dans « {b} » ? Tout ce qui est classé sous « {a} » passe sous « {b} », et « {a} » est supprimé."
            ),
            Merged(a, b) => format!("« {a} » a été fusionné dans « {b} »."),
            MergeTarget(x) => format!("Dans quoi fusionner {x}"),
        },
    }
}

/// What deleting a channel takes with it, in `locale`.
pub fn channel_goes(
    locale: Locale,
    name: &str,
    videos: i64,
    playlists: i64,
    podcasts: i64,
) -> String {
    match locale {
        Locale::En => format!(
            "Deleting “{name}” also deletes its {}, {} and {} (with their episodes), their media \
             files and pictures, and its members' access. This cannot be undone.",
            format::count(videos, "video", "videos"),
            format::count(playlists, "playlist", "playlists"),
            format::count(podcasts, "podcast", "podcasts"),
        ),
        Locale::Fr => format!(
            "Supprimer « {name} » supprime aussi ses {}, ses {} et ses {} (avec leurs épisodes), \
             leurs fichiers média et leurs images, et l’accès de ses membres. C’est irréversible.",
            format::counted(locale, videos, "vidéo", "vidéos"),
            format::counted(locale, playlists, "liste de lecture", "listes de lecture"),
            format::counted(locale, podcasts, "podcast", "podcasts"),
        ),
    }
}

/// What deleting a playlist takes with it, in `locale`.
pub fn playlist_goes(locale: Locale, title: &str, videos: i64) -> String {
    match locale {
        Locale::En => format!(
            "Deleting “{title}” removes the playlist and its order of {}; the videos themselves stay.",
            format::count(videos, "video", "videos")
        ),
        Locale::Fr => format!(
            "Supprimer « {title} » retire la liste de lecture et son ordre de {} ; les vidéos elles-mêmes restent.",
            format::counted(locale, videos, "vidéo", "vidéos")
        ),
    }
}

/// "3 videos found", in `locale`.
pub fn videos_found(locale: Locale, n: i64) -> String {
    match locale {
        Locale::En => format::count(n, "video found", "videos found"),
        Locale::Fr => format::counted(locale, n, "vidéo trouvée", "vidéos trouvées"),
    }
}

/// The question before deleting a category, in `locale`.
pub fn delete_category(locale: Locale, name: &str, has_children: bool) -> String {
    match (locale, has_children) {
        (Locale::En, false) => format!("Delete “{name}”? Its videos lose their category."),
        (Locale::En, true) => format!(
            "Delete “{name}”? Its videos lose their category; the categories directly inside it move to the top level."
        ),
        (Locale::Fr, false) => {
            format!("Supprimer « {name} » ? Ses vidéos perdent leur catégorie.")
        }
        (Locale::Fr, true) => format!(
            "Supprimer « {name} » ? Ses vidéos perdent leur catégorie ; les catégories directement dedans passent au premier niveau."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_site_pages_text_is_written_in_english_and_french() {
        crate::i18n::check_area(SitePages::ALL, SitePages::same_in_both);
    }

    #[test]
    fn site_texts_with_values_read_in_each_language() {
        assert_eq!(
            say(Locale::En, Say::MemberRole("Ann", true)),
            "Ann is now an owner of this channel."
        );
        assert_eq!(
            say(Locale::Fr, Say::ChannelTitle("Port")),
            "Chaîne « Port »"
        );
        assert_eq!(videos_found(Locale::Fr, 2), "2\u{a0}vidéos trouvées");
    }
}
