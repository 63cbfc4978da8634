//! `/settings`: the viewer's own account (display name, avatar, password, deleting it).

crate::messages! {
    /// Keys of the account settings page.
    Settings {
        Title => "Account settings", "Paramètres du compte";
        Menu => "Settings", "Paramètres";
        Profile => "Profile", "Profil";
        Save => "Save", "Enregistrer";
        Saved => "Saved.", "Enregistré.";
        NothingChanged => "Nothing to save: nothing changed.", "Rien à enregistrer : rien n’a changé.";
        Avatar => "Avatar", "Avatar" (same);
        AvatarHint => "A JPEG, PNG or WebP picture, shown beside your name and comments.",
            "Une image JPEG, PNG ou WebP, affichée à côté de votre nom et de vos commentaires.";
        Upload => "Upload", "Envoyer";
        Uploading => "Uploading…", "Envoi…";
        AvatarSaved => "Your avatar is updated.", "Votre avatar est à jour.";
        ChoosePicture => "Choose a picture first.", "Choisissez d’abord une image.";
        NotAPicture => "This file is not a picture this site accepts (JPEG, PNG or WebP, not too large).",
            "Ce fichier n’est pas une image acceptée ici (JPEG, PNG ou WebP, pas trop lourde).";
        PasswordTitle => "Password", "Mot de passe";
        CurrentPassword => "Current password", "Mot de passe actuel";
        NewPassword => "New password", "Nouveau mot de passe";
        ChangePassword => "Change password", "Changer le mot de passe";
        PasswordChanged => "Your password is changed. Your other devices are signed out.",
            "Votre mot de passe est changé. Vos autres appareils sont déconnectés.";
        WrongPassword => "That is not your current password.", "Ce n’est pas votre mot de passe actuel.";
        DeleteTitle => "Delete your account", "Supprimer votre compte";
        DeleteHint => "Your likes, subscriptions, history and avatar are deleted; your comments stay, without your name. This cannot be undone.",
            "Vos « j’aime », abonnements, historique et avatar sont supprimés ; vos commentaires restent, sans votre nom. C’est définitif.";
        DeleteAccount => "Delete my account", "Supprimer mon compte";
        ConfirmDelete => "Delete your account for good?", "Supprimer définitivement votre compte ?";
        StaffCannotDelete => "Editors and admins cannot delete their own account: ask an admin.",
            "Les éditeurs et les administrateurs ne peuvent pas supprimer leur propre compte : demandez à un administrateur.";
        Deleted => "Your account is deleted.", "Votre compte est supprimé.";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_settings_text_is_written_in_english_and_french() {
        super::super::check_area(Settings::ALL, Settings::same_in_both);
    }
}
