//! Delivery: media over HTTP, signed URLs for private media, embeds, oEmbed, feeds, view counts.
