//! A page that follows work running on the server (an import, an export) looks again every half
//! second while it runs. A clock, not an effect on the answer, since two answers alike (still
//! running) would not wake an effect again. Effects run in the browser only, so the server
//! starts no clock.

use leptos::prelude::*;

/// Moves `tick` on every half second while `running` says so; the page's resource reads `tick`.
pub fn refresh_while(tick: RwSignal<u32>, running: impl Fn() -> bool + Copy + 'static) {
    Effect::new(move |_| {
        let clock = set_interval_with_handle(
            move || {
                if running() {
                    tick.update(|t| *t += 1);
                }
            },
            std::time::Duration::from_millis(500),
        );
        on_cleanup(move || {
            if let Ok(clock) = clock {
                clock.clear();
            }
        });
    });
}
