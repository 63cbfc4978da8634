//! Related videos (see issue 16).
