//! The pure HLS writers the lead reuses when captions are added later.

use projector_api::transcode::pipeline::hls::{
    CaptionError, MasterRendition, SubtitleTrack, master_playlist, srt_to_vtt, subtitle_playlist,
};

use crate::transcode::support::{attr, variants};

fn rendition(h: u32) -> MasterRendition {
    MasterRendition {
        uri: format!("{h}p/index.m3u8"),
        bandwidth: u64::from(h) * 5000,
        average_bandwidth: Some(u64::from(h) * 4000),
        width: h * 16 / 9,
        height: h,
        codecs: "avc1.64001f,mp4a.40.2".into(),
        frame_rate: Some(25.0),
    }
}

#[test]
fn the_master_playlist_lists_captions_as_a_subtitle_group_on_every_variant() {
    let subs = [
        SubtitleTrack {
            language: "en".into(),
            name: "English".into(),
            uri: "../captions/en.m3u8".into(),
            default: true,
        },
        SubtitleTrack {
            language: "fr".into(),
            name: "Français".into(),
            uri: "../captions/fr.m3u8".into(),
            default: false,
        },
    ];
    let master = master_playlist(&[rendition(720), rendition(360)], &subs);
    assert!(master.starts_with("#EXTM3U\n"));
    assert!(master.contains(
        "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",NAME=\"English\",LANGUAGE=\"en\",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI=\"../captions/en.m3u8\""
    ), "{master}");
    let v = variants(&master);
    assert_eq!(v.len(), 2);
    for (attrs, _) in &v {
        assert_eq!(attr(attrs, "SUBTITLES").as_deref(), Some("subs"));
        assert_eq!(
            attr(attrs, "CODECS").as_deref(),
            Some("avc1.64001f,mp4a.40.2")
        );
    }
    assert_eq!(attr(&v[0].0, "RESOLUTION").as_deref(), Some("1280x720"));
    assert_eq!(v[0].1, "720p/index.m3u8");
    // Without captions, no group is named.
    assert!(!master_playlist(&[rendition(720)], &[]).contains("SUBTITLES"));
}

#[test]
fn a_subtitle_playlist_is_one_vod_segment_covering_the_video() {
    let text = subtitle_playlist("en.vtt", 62.5);
    assert_eq!(
        text,
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:63\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:62.500000,\nen.vtt\n#EXT-X-ENDLIST\n"
    );
}

#[test]
fn srt_captions_become_webvtt() {
    let srt = "\u{feff}1\r\n00:00:01,000 --> 00:00:02,500\r\nHello\r\nworld\r\n\r\n2\r\n00:01:02,05 --> 00:01:03,000 X1:10\r\n<i>Bye</i> --> now\r\n";
    assert_eq!(
        srt_to_vtt(srt).unwrap(),
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nHello\nworld\n\n00:01:02.050 --> 00:01:03.000\n<i>Bye</i> -> now\n"
    );
}

#[test]
fn a_broken_srt_file_is_refused_with_the_line_that_is_wrong() {
    assert_eq!(
        srt_to_vtt("").unwrap_err(),
        CaptionError::Invalid("it contains no cues".into())
    );
    let e = srt_to_vtt("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03 -> 00:00:04\nbad\n")
        .unwrap_err();
    assert!(e.to_string().contains("line 6"), "{e}");
    let e = srt_to_vtt("1\n00:00:05,000 --> 00:00:02,000\nbackwards\n").unwrap_err();
    assert!(e.to_string().contains("ends before it starts"), "{e}");
}
