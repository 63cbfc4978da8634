//! "Where it can play": the controls of a playback restriction (allowed domains, one per
//! line, and whether requests without a referrer are served), shared by the channel page and
//! the video editor. A video may also follow its channel's rule (its own rule is then null).
//! What is sent is worked out against the rule as loaded: nothing when nothing changed.

use crate::i18n::admin::playback::{self as text, Playback as P};
use crate::i18n::{Message, locale, t};
use leptos::prelude::*;
use serde_json::{Value, json};

/// A playback restriction as the API shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rule {
    /// `example.com` or `*.example.com`; empty: any site.
    pub domains: Vec<String>,
    /// Whether requests without a `Referer` are served.
    pub allow_no_referrer: bool,
}

impl Rule {
    /// Whether `self` and `other` allow the same requests (domains in any order; the referrer
    /// choice means nothing while no domain is named).
    fn same_as(&self, other: &Rule) -> bool {
        let set = |r: &Rule| {
            let mut d = r.domains.clone();
            d.sort_unstable();
            d.dedup();
            d
        };
        set(self) == set(other)
            && (self.domains.is_empty() || self.allow_no_referrer == other.allow_no_referrer)
    }

    /// The rule in words: its domains, and whether requests without a referrer are served.
    pub fn describe(&self) -> String {
        if self.domains.is_empty() {
            return P::AnySite.text(locale()).into();
        }
        let referrer = if self.allow_no_referrer {
            P::NoReferrerToo
        } else {
            P::NoReferrerRefused
        };
        format!("{} ({})", self.domains.join(", "), referrer.text(locale()))
    }

    /// The `PlaybackRestrictionInput` of this rule.
    pub fn input(&self) -> Value {
        json!({ "allowedDomains": self.domains, "allowNoReferrer": self.allow_no_referrer })
    }
}

/// The domains typed, one per line (commas and spaces also separate them), in lower case.
pub fn parse_domains(typed: &str) -> Vec<String> {
    typed
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|d| !d.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The controls' state.
#[derive(Clone, Copy)]
pub struct RuleForm {
    /// Follow the channel's rule (videos only).
    pub inherit: RwSignal<bool>,
    /// The domains as typed.
    pub domains: RwSignal<String>,
    /// Serve requests without a referrer.
    pub no_referrer: RwSignal<bool>,
}

impl RuleForm {
    /// The controls of `rule` as loaded (`None`: a video that follows its channel).
    pub fn of(rule: Option<&Rule>) -> Self {
        Self {
            inherit: RwSignal::new(rule.is_none()),
            domains: RwSignal::new(rule.map(|r| r.domains.join("\n")).unwrap_or_default()),
            no_referrer: RwSignal::new(rule.is_none_or(|r| r.allow_no_referrer)),
        }
    }

    /// The rule the controls say (`None`: follow the channel's).
    pub fn rule(self) -> Option<Rule> {
        if self.inherit.try_get_untracked().unwrap_or(false) {
            return None;
        }
        Some(Rule {
            domains: parse_domains(&self.domains.try_get_untracked().unwrap_or_default()),
            allow_no_referrer: self.no_referrer.try_get_untracked().unwrap_or(true),
        })
    }

    /// The `playbackRestriction` to send against `was` as loaded: `None` when nothing
    /// changed, `null` to follow the channel again, else the new rule.
    pub fn change(self, was: Option<&Rule>) -> Option<Value> {
        match (was, self.rule()) {
            (None, None) => None,
            (Some(_), None) => Some(Value::Null),
            (Some(was), Some(now)) if was.same_as(&now) => None,
            (_, Some(now)) => Some(now.input()),
        }
    }
}

/// The "Where it can play" controls; `prefix` makes their IDs (`{prefix}-playback-domains`).
/// With `channel` (a video's editor), a choice between the channel's rule, described, and the
/// video's own.
#[component]
pub fn PlaybackFields(
    /// The controls' state.
    form: RuleForm,
    /// What the IDs start with (`video`, `channel`).
    prefix: &'static str,
    /// The channel's rule, for a video that may follow it.
    #[prop(optional)]
    channel: Option<Rule>,
) -> impl IntoView {
    let inherit = form.inherit;
    let follow = channel.map(|rule| {
        let said = text::channel_setting(locale(), &rule.describe());
        let name = format!("{prefix}-playback-source");
        view! {
            <label class="checkbox">
                <input
                    type="radio"
                    name=name.clone()
                    id=format!("{prefix}-playback-inherit")
                    prop:checked=move || inherit.get()
                    on:change=move |_| inherit.set(true)
                />
                {t(P::InheritChannel)}
            </label>
            <p class="site-muted" id=format!("{prefix}-playback-channel")>{said}</p>
            <label class="checkbox">
                <input
                    type="radio"
                    name=name
                    id=format!("{prefix}-playback-own")
                    prop:checked=move || !inherit.get()
                    on:change=move |_| inherit.set(false)
                />
                {t(P::OwnSetting)}
            </label>
        }
    });
    let domains_id = format!("{prefix}-playback-domains");
    view! {
        <fieldset class="playback-fields" id=format!("{prefix}-playback")>
            <legend>{t(P::Heading)}</legend>
            <p class="site-muted">{t(P::Hint)}</p>
            {follow}
            <label for=domains_id.clone()>{t(P::Domains)}</label>
            <textarea
                id=domains_id
                rows="4"
                placeholder="example.com\n*.example.org"
                prop:value=move || form.domains.get()
                prop:disabled=move || inherit.get()
                on:input=move |ev| form.domains.set(event_target_value(&ev))
            ></textarea>
            <label class="checkbox">
                <input
                    type="checkbox"
                    id=format!("{prefix}-playback-no-referrer")
                    prop:checked=move || form.no_referrer.get()
                    prop:disabled=move || inherit.get()
                    on:change=move |ev| form.no_referrer.set(event_target_checked(&ev))
                />
                {t(P::AllowNoReferrer)}
            </label>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(domains: &[&str], no_referrer: bool) -> Rule {
        Rule {
            domains: domains.iter().map(|d| d.to_string()).collect(),
            allow_no_referrer: no_referrer,
        }
    }

    #[test]
    fn domains_are_read_one_per_line_or_separated_by_commas() {
        assert_eq!(
            parse_domains(" Example.com\n\n*.example.org, a.b  c.d "),
            ["example.com", "*.example.org", "a.b", "c.d"]
        );
    }

    #[test]
    fn rules_that_allow_the_same_requests_are_the_same() {
        assert!(rule(&["a.b", "c.d"], true).same_as(&rule(&["c.d", "a.b"], true)));
        assert!(rule(&[], false).same_as(&rule(&[], true)));
        assert!(!rule(&["a.b"], false).same_as(&rule(&["a.b"], true)));
        assert!(!rule(&["a.b"], true).same_as(&rule(&[], true)));
    }
}
