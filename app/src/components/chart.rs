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
    let drawn = bars
        .iter()
        .zip(shares(&bars))
        .enumerate()
        .map(|(i, (bar, share))| {
            let x = LEFT + slot * i as f64;
            let h = (plot * share).max(if bar.value > 0 { 1.0 } else { 0.0 });
            let y = TOP + plot - h;
            let centre = x + slot / 2.0;
            view! {
                <g>
                    <rect class="chart-bar" x=format!("{:.1}", x + slot * 0.15) y=format!("{y:.1}") width=format!("{:.1}", slot * 0.7) height=format!("{h:.1}") />
                    <text class="chart-label" x=format!("{centre:.1}") y=format!("{:.1}", HEIGHT - 10.0) text-anchor="middle">{bar.label.clone()}</text>
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
}
