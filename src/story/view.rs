//! The story as templates see it: plain values with display words, machine
//! dates, links and rendered Markdown (fields ending in `_html`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Correction, Event, FuzzyDate, Quote, Source, SourceKind, Stance, Story};

/// A short reference to a source, as cited by an event, quote or page.
#[derive(Debug, Clone, Serialize)]
pub struct Citation {
    pub id: String,
    /// The source's number on the sources page, the same on every page.
    pub number: usize,
    pub title: String,
    pub outlet: String,
    /// The source's entry on the sources page.
    pub link: String,
}

impl Citation {
    /// Source `number` of the story, linking to its entry on the sources
    /// page at `sources_page`.
    pub fn new(number: usize, source: &Source, sources_page: &str) -> Citation {
        let id = source.id.get_ref();
        Citation {
            id: id.clone(),
            number,
            title: source.title.clone(),
            outlet: source.outlet.clone(),
            link: format!("{sources_page}#source-{id}"),
        }
    }
}

/// Something that cites a source, listed under it on the sources page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Backlink {
    pub kind: &'static str,
    pub title: String,
    pub link: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub id: String,
    /// Its place in sources.toml, from 1: what `cite` shows.
    pub number: usize,
    pub title: String,
    pub outlet: String,
    pub kind: SourceKind,
    pub published: String,
    pub published_datetime: String,
    pub url: Option<String>,
    pub reliability: String,
    pub link: String,
    pub cited_by: Vec<Backlink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// "Late July – early August 2025"
    pub words: String,
    /// For `<time datetime>`: "2025-07"
    pub datetime: String,
    /// Whether the exact day is not known: a year, a month or part of one,
    /// at either end.
    pub approximate: bool,
}

impl DateView {
    pub fn new(start: FuzzyDate, end: Option<FuzzyDate>) -> DateView {
        DateView {
            words: start.range_words(end),
            datetime: start.machine(),
            approximate: [Some(start), end]
                .into_iter()
                .flatten()
                .any(|date| !matches!(date, FuzzyDate::Day(_))),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub id: String,
    pub title: String,
    pub date: DateView,
    pub phase: String,
    pub body_html: String,
    pub sources: Vec<Citation>,
    pub link: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantView {
    pub text: String,
    pub note: String,
    pub source: Citation,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuoteView {
    pub id: String,
    pub text: String,
    /// The opening words, cut between words, for indexes and lists.
    pub excerpt: String,
    pub speaker: String,
    pub role: String,
    pub organisation: String,
    pub organisation_id: String,
    pub place: String,
    pub stance: Stance,
    pub stance_label: &'static str,
    pub date: DateView,
    pub context_html: String,
    pub sources: Vec<Citation>,
    /// Reported by one document only: readers are told so.
    pub single_source: bool,
    pub variants: Vec<VariantView>,
    pub link: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseView {
    pub id: String,
    pub title: String,
    pub summary_html: String,
    pub events: Vec<EventView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuoteGroup {
    pub id: String,
    pub label: String,
    pub quotes: Vec<QuoteView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrectionView {
    pub date: DateView,
    pub kind: super::CorrectionKind,
    pub page_title: Option<String>,
    pub page_link: Option<String>,
    pub text_html: String,
}

/// Everything templates get under `story`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StoryView {
    pub sources: Vec<SourceView>,
    pub events: Vec<EventView>,
    pub phases: Vec<PhaseView>,
    pub quotes: Vec<QuoteView>,
    pub quotes_by_stance: Vec<QuoteGroup>,
    pub quotes_by_organisation: Vec<QuoteGroup>,
    pub speakers: Vec<String>,
    pub corrections: Vec<CorrectionView>,
    /// The page that shows the corrections log.
    pub corrections_page: String,
}

/// The group id of quotes whose speaker has no organisation.
const NO_ORGANISATION: &str = "no-organisation";

/// Where story items live on the site, and how their Markdown renders.
pub struct Links<'a> {
    pub timeline: String,
    pub quotes: String,
    pub sources: String,
    pub corrections: String,
    /// Renders a data field's Markdown: (file text, field offset, markdown, id prefix) -> HTML.
    pub markdown: &'a dyn Fn(&super::DataFile, usize, &str, &str) -> String,
}

impl Links<'_> {
    pub fn citation(&self, number: usize, source: &Source) -> Citation {
        Citation::new(number, source, &self.sources)
    }

    fn citations(&self, story: &Story, ids: &[toml::Spanned<String>]) -> Vec<Citation> {
        ids.iter()
            .filter_map(|id| story.numbered_source(id.get_ref()))
            .map(|(number, source)| self.citation(number, source))
            .collect()
    }

    pub fn event(&self, story: &Story, event: &Event) -> EventView {
        let id = event.id.get_ref();
        EventView {
            id: id.clone(),
            title: event.title.clone(),
            date: DateView::new(event.date, event.end),
            phase: event.phase.get_ref().clone(),
            body_html: (self.markdown)(
                &story.timeline_file,
                event.body.span().start,
                event.body.get_ref(),
                id,
            ),
            sources: self.citations(story, event.sources.get_ref()),
            link: format!("{}#event-{id}", self.timeline),
        }
    }

    pub fn quote(&self, story: &Story, quote: &Quote) -> QuoteView {
        let id = quote.id.get_ref();
        let context_html = quote
            .context
            .as_ref()
            .map(|c| (self.markdown)(&story.quotes_file, c.span().start, c.get_ref(), id))
            .unwrap_or_default();
        let sources = self.citations(story, quote.sources.get_ref());
        QuoteView {
            id: id.clone(),
            text: quote.text.clone(),
            excerpt: shorten(&quote.text, 60),
            speaker: quote.speaker.clone(),
            role: quote.role.clone(),
            organisation: quote.organisation.clone(),
            organisation_id: match crate::content::slugify(&quote.organisation) {
                id if id.is_empty() => NO_ORGANISATION.to_string(),
                id => id,
            },
            place: quote.place.clone(),
            stance: quote.stance,
            stance_label: quote.stance.label(),
            date: DateView::new(quote.date, quote.end),
            context_html,
            single_source: sources.len() == 1,
            sources,
            variants: quote
                .variant
                .iter()
                .filter_map(|v| {
                    Some(VariantView {
                        text: v.text.clone(),
                        note: v.note.clone(),
                        source: {
                            let (number, source) = story.numbered_source(v.source.get_ref())?;
                            self.citation(number, source)
                        },
                    })
                })
                .collect(),
            link: format!("{}#quote-{id}", self.quotes),
        }
    }

    fn correction(
        &self,
        story: &Story,
        c: &Correction,
        page: &dyn Fn(&str) -> Option<(String, String)>,
    ) -> CorrectionView {
        let target = c
            .page
            .as_ref()
            .and_then(|p| page(p.get_ref().trim_start_matches("@/")));
        CorrectionView {
            date: DateView::new(c.date, None),
            kind: c.kind,
            page_title: target.as_ref().map(|t| t.0.clone()),
            page_link: target.map(|t| t.1),
            text_html: (self.markdown)(
                &story.corrections_file,
                c.text.span().start,
                c.text.get_ref(),
                "correction-",
            ),
        }
    }
}

impl StoryView {
    /// Builds the view. `page_citations` lists, for each page, its (title, link,
    /// cited source ids); `page` resolves a content key to (title, link).
    pub fn new(
        story: &Story,
        links: &Links<'_>,
        events: Vec<EventView>,
        quotes: Vec<QuoteView>,
        page_citations: &[(String, String, Vec<String>)],
        page: &dyn Fn(&str) -> Option<(String, String)>,
    ) -> StoryView {
        let mut cited_by: BTreeMap<&str, Vec<Backlink>> = BTreeMap::new();
        for event in &events {
            for source in &event.sources {
                cited_by.entry(&source.id).or_default().push(Backlink {
                    kind: "event",
                    title: event.title.clone(),
                    link: event.link.clone(),
                });
            }
        }
        for quote in &quotes {
            let ids = quote
                .sources
                .iter()
                .map(|s| &s.id)
                .chain(quote.variants.iter().map(|v| &v.source.id));
            for id in ids {
                let list = cited_by.entry(id).or_default();
                let backlink = Backlink {
                    kind: "quote",
                    title: format!("{}: “{}”", quote.speaker, quote.excerpt),
                    link: quote.link.clone(),
                };
                if !list.contains(&backlink) {
                    list.push(backlink);
                }
            }
        }
        for (title, link, ids) in page_citations {
            for id in ids {
                cited_by.entry(id).or_default().push(Backlink {
                    kind: "page",
                    title: title.clone(),
                    link: link.clone(),
                });
            }
        }

        let sources = story
            .numbered_sources()
            .map(|(number, s)| SourceView {
                id: s.id.get_ref().clone(),
                number,
                title: s.title.clone(),
                outlet: s.outlet.clone(),
                kind: s.kind,
                published: s.published.words(),
                published_datetime: s.published.machine(),
                url: s.url.as_ref().map(|u| u.get_ref().clone()),
                reliability: s.reliability.clone(),
                link: links.citation(number, s).link,
                cited_by: cited_by.remove(s.id.get_ref().as_str()).unwrap_or_default(),
            })
            .collect();

        let phases = story
            .phases
            .iter()
            .map(|p| PhaseView {
                id: p.id.get_ref().clone(),
                title: p.title.clone(),
                summary_html: p
                    .summary
                    .as_ref()
                    .map(|summary| {
                        (links.markdown)(
                            &story.timeline_file,
                            summary.span().start,
                            summary.get_ref(),
                            p.id.get_ref(),
                        )
                    })
                    .unwrap_or_default(),
                events: events
                    .iter()
                    .filter(|e| e.phase == *p.id.get_ref())
                    .cloned()
                    .collect(),
            })
            .collect();

        let quotes_by_stance = Stance::ALL
            .iter()
            .map(|stance| QuoteGroup {
                id: stance.id().to_string(),
                label: stance.label().to_string(),
                quotes: quotes
                    .iter()
                    .filter(|q| q.stance == *stance)
                    .cloned()
                    .collect(),
            })
            .filter(|g| !g.quotes.is_empty())
            .collect();

        let mut organisations: BTreeMap<String, QuoteGroup> = BTreeMap::new();
        let mut unaffiliated = Vec::new();
        for quote in &quotes {
            // No organisation, or one written without a letter or digit.
            if quote.organisation_id == NO_ORGANISATION {
                unaffiliated.push(quote.clone());
                continue;
            }
            organisations
                .entry(quote.organisation.to_lowercase())
                .or_insert_with(|| QuoteGroup {
                    id: quote.organisation_id.clone(),
                    label: quote.organisation.clone(),
                    quotes: Vec::new(),
                })
                .quotes
                .push(quote.clone());
        }
        // Speakers with no organisation come last, under a heading that says so.
        let mut quotes_by_organisation: Vec<QuoteGroup> = organisations.into_values().collect();
        if !unaffiliated.is_empty() {
            quotes_by_organisation.push(QuoteGroup {
                id: NO_ORGANISATION.to_string(),
                label: "No organisation named".to_string(),
                quotes: unaffiliated,
            });
        }
        let mut speakers: Vec<String> = quotes.iter().map(|q| q.speaker.clone()).collect();
        speakers.sort();
        speakers.dedup();

        StoryView {
            sources,
            phases,
            corrections: story
                .corrections
                .iter()
                .map(|c| links.correction(story, c, page))
                .collect(),
            corrections_page: links.corrections.clone(),
            events,
            quotes_by_stance,
            quotes_by_organisation,
            speakers,
            quotes,
        }
    }
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortened_text_ends_between_words() {
        let text = "I’ve seen bonuses being offered usually in about the $10,000-$20,000 range";
        assert_eq!(
            shorten(text, 50),
            "I’ve seen bonuses being offered usually in about…"
        );
        assert_eq!(shorten("Short, and whole.", 50), "Short, and whole.");
        assert_eq!(shorten("Cut after a comma, here", 20), "Cut after a comma…");
    }

    #[test]
    fn a_date_is_approximate_when_either_end_is_not_a_day() {
        let day: FuzzyDate = "2025-07-04".parse().unwrap();
        let month: FuzzyDate = "2025-08".parse().unwrap();
        assert!(!DateView::new(day, None).approximate);
        assert!(!DateView::new(day, Some(day)).approximate);
        assert!(DateView::new(day, Some(month)).approximate);
        assert!(DateView::new(month, None).approximate);
    }
}
