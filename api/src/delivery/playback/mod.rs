//! Signed playback tokens, as Mux's signed playback: an admin makes a signing key pair through
//! the API (`createPlaybackKey`; only the public key is kept, the private one is shown once),
//! an integrator signs short JWTs with it, and whoever holds such a token plays that one video,
//! private or not, in their own player or in the embed page.
//!
//! - [`keys`]: the keys (entity, generation, listing, revocation);
//! - [`token`]: what a token must be (header, claims, bounds) and why one is refused;
//! - [`serve`]: `/media/v/{videoId}/{path}?token=…`, with playlists rewritten so every URI
//!   inside carries the token, and the ladder capped by `max_resolution`;
//! - [`graphql`]: the admins' queries and mutations.

pub mod graphql;
pub mod keys;
pub mod serve;
pub mod token;

pub use token::{Audience, Claims, Refusal};
