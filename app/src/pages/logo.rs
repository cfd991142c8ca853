//! The company logo card of the workspace settings: the current logo, a plain upload form and
//! a remove button. Every member sees the logo in the top bar; this card is for holders of
//! `settings.write`, like the page it is on.

use leptos::prelude::*;

use crate::api::accounts::me;
use crate::api::files::RemoveLogo;
use crate::components::alert::FormAlert;
use crate::csrf_page::CsrfField;
use crate::model::{logo_src, Purpose, LOGO_UPLOAD_HREF};
use crate::pages::attachments::{UploadForm, UploadOutcome};

#[component]
pub fn LogoCard() -> impl IntoView {
    let remove = ServerAction::<RemoveLogo>::new();
    let current = Resource::new(move || remove.version().get(), |_| me());
    let error = Signal::derive(move || remove.value().get().and_then(Result::err));
    view! {
        <section class="card" id="attachments" aria-labelledby="logo-heading">
            <h2 id="logo-heading">"Company logo"</h2>
            <p class="muted">"Shown to everyone in this workspace, beside its name in the top bar."</p>
            <UploadOutcome purpose=Purpose::WorkspaceLogo record="logo".to_owned() />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = current.await.ok().flatten();
                    user.and_then(|u| u.logo).map(|id| view! {
                        <img class="logo-preview" src=logo_src(&id) alt="The current logo" />
                        <ActionForm action=remove attr:class="inline-form">
                            <CsrfField />
                            <button type="submit" class="btn btn-small btn-danger">"Remove the logo"</button>
                        </ActionForm>
                    })
                })}
            </Suspense>
            <FormAlert error />
            <UploadForm
                href=LOGO_UPLOAD_HREF.to_owned()
                hint=Purpose::WorkspaceLogo.limits_text()
                accept=Purpose::WorkspaceLogo.accept()
                label="Upload a logo"
            />
        </section>
    }
}
