//! Charts drawn as SVG on the server, so they read before (and without) JavaScript. A chart is
//! an image to assistive technology, named by its heading and described by its caption, and
//! its figures follow in a table anyone can open.

use leptos::prelude::*;

use crate::model::Bar;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 8.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 28.0;

/// The height of each bar as a share of the tallest (0 when every bar is 0).
fn shares(bars: &[Bar]) -> Vec<f64> {
    let top = bars.iter().map(|b| b.value).max().unwrap_or(0).max(0);
    bars.iter()
        .map(|b| {
            if top == 0 {
                0.0
            } else {
                b.value.max(0) as f64 / top as f64
            }
        })
        .collect()
}

/// Every how many bars a label is drawn: all of them when they fit their slot, else every
/// second (third, …) so neighbours never run into each other. The figures table names every
/// bar.
fn label_step(bars: &[Bar], slot: f64) -> usize {
    // An 11-unit font's characters average about 6.5 units wide; a little gap between labels.
    let widest = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0);
    let needed = widest as f64 * 6.5 + 6.0;
    (needed / slot.max(1.0)).ceil().max(1.0) as usize
}

/// A bar chart of `bars`, headed `title` (an `<h2>` with id `id`), captioned `description`;
/// `period` and `column` head the figures' columns ("Week of", "Revenue").
#[component]
pub fn BarChart(
    id: &'static str,
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    /// What each bar's label is ("Week of", "Month").
    period: &'static str,
    column: &'static str,
    bars: Vec<Bar>,
) -> impl IntoView {
    let heading = format!("{id}-heading");
    let caption = format!("{id}-caption");
    let (section_label, svg_label, svg_caption) =
        (heading.clone(), heading.clone(), caption.clone());
    let slot = (WIDTH - LEFT - RIGHT) / bars.len().max(1) as f64;
    let plot = HEIGHT - TOP - BOTTOM;
    let step = label_step(&bars, slot);
    let drawn = bars
        .iter()
        .zip(shares(&bars))
        .enumerate()
        .map(|(i, (bar, share))| {
            let x = LEFT + slot * i as f64;
            let h = (plot * share).max(if bar.value > 0 { 1.0 } else { 0.0 });
            let y = TOP + plot - h;
            let centre = x + slot / 2.0;
            let label = if i % step == 0 { bar.label.clone() } else { String::new() };
            view! {
                <g>
                    <rect class="chart-bar" x=format!("{:.1}", x + slot * 0.15) y=format!("{y:.1}") width=format!("{:.1}", slot * 0.7) height=format!("{h:.1}") />
                    <text class="chart-label" x=format!("{centre:.1}") y=format!("{:.1}", HEIGHT - 10.0) text-anchor="middle">{label}</text>
                </g>
            }
        })
        .collect_view();
    let rows = bars
        .into_iter()
        .map(
            |b| view! { <tr><th scope="row">{b.label}</th><td class="numeric">{b.shown}</td></tr> },
        )
        .collect_view();
    view! {
        <section class="card chart" aria-labelledby=section_label>
            <h2 id=heading>{title}</h2>
            <p id=caption class="muted">{description}</p>
            <svg class="chart-svg" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=svg_label aria-describedby=svg_caption>
                <line class="chart-axis" x1=LEFT.to_string() y1=format!("{:.1}", HEIGHT - BOTTOM) x2=format!("{:.1}", WIDTH - RIGHT) y2=format!("{:.1}", HEIGHT - BOTTOM) />
                {drawn}
            </svg>
            <details class="chart-figures">
                <summary>"Show the figures"</summary>
                <table class="table">
                    <thead><tr><th scope="col">{period}</th><th scope="col" class="numeric">{column}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(value: i64) -> Bar {
        Bar {
            label: String::new(),
            value,
            shown: String::new(),
        }
    }

    #[test]
    fn bars_are_drawn_relative_to_the_tallest() {
        assert_eq!(shares(&[bar(0), bar(50), bar(100)]), [0.0, 0.5, 1.0]);
        assert_eq!(shares(&[bar(0), bar(0)]), [0.0, 0.0]);
        assert_eq!(shares(&[]), Vec::<f64>::new());
    }

    #[test]
    fn labels_are_thinned_only_when_they_would_touch() {
        let labelled = |label: &str, n: usize| -> Vec<Bar> {
            (0..n)
                .map(|_| Bar {
                    label: label.into(),
                    ..bar(1)
                })
                .collect()
        };
        let slot = |n: usize| (WIDTH - LEFT - RIGHT) / n as f64;
        // Twelve weeks ("30 Nov") fit; twelve months ("Nov 2026") need every other.
        assert_eq!(label_step(&labelled("30 Nov", 12), slot(12)), 1);
        assert_eq!(label_step(&labelled("Nov 2026", 12), slot(12)), 2);
        assert_eq!(label_step(&labelled("Nov 2026", 36), slot(36)), 4);
        assert_eq!(label_step(&[], slot(1)), 1);
    }
}
