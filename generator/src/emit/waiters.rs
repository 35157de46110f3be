//! `Client::wait_until_<name>()`: polling loops declared in service.yaml.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, first_sentence};
use super::types::setter_argument;
use crate::ir::{PathStep, Waiter};
use crate::naming::ident;

pub fn emit_waiters(waiters: &[Waiter]) -> TokenStream {
    let items = waiters.iter().map(emit_waiter);
    quote! {
        #![doc = " Waiters: poll an operation until the resource reaches a final state."]
        #(#items)*
    }
}

fn emit_waiter(waiter: &Waiter) -> TokenStream {
    let module = ident(&waiter.operation_names.module);
    let fluent = ident(&waiter.operation_names.fluent_builder);
    let response = ident(&waiter.operation_names.response);
    let method = ident(&waiter.names.method);
    let waiter_type = ident(&waiter.names.waiter);
    let status_fn = ident(&waiter.names.status);
    let delay = waiter.delay_seconds;
    let timeout = waiter.timeout_seconds;
    let success = &waiter.success;
    let failure = &waiter.failure;
    let needs_action = &waiter.needs_action;
    let description = waiter.description.as_deref().map_or_else(
        || format!("Waits for {}.", waiter.name),
        super::markdown::rustdoc,
    );
    let needs_action_text = if needs_action.is_empty() {
        String::new()
    } else {
        format!(
            " It stops with an error at {}, in which the resource waits for someone to act.",
            quoted_list(needs_action)
        )
    };
    let doc = doc_attrs(&format!(
        "{description}\n\nPolls `{}` about every {delay} s (jittered) until the status is one of {} \
         (success) or {} (failure), for at most {timeout} s; both times can be changed on the \
         returned waiter.{needs_action_text} It stops with an error when a few polls in a row \
         (`acs_runtime::waiter::MAX_POLLS_WITHOUT_STATUS`) find no status: what it waits for is \
         not there.",
        waiter.operation_name,
        quoted_list(success),
        if failure.is_empty() {
            "none".to_string()
        } else {
            quoted_list(failure)
        },
    ));
    let arguments = waiter.inputs.iter().map(|member| {
        let name = ident(&member.names.field);
        let (arg, _) = setter_argument(&member.ty, &quote!(input));
        quote!(#name: #arg)
    });
    let setters = waiter.inputs.iter().map(|member| {
        let name = ident(&member.names.field);
        quote!(.#name(#name))
    });
    let input_docs = waiter.inputs.iter().map(|member| {
        format!(
            "- `{}`: {}",
            crate::naming::unraw(&member.names.field),
            first_sentence(
                member
                    .docs
                    .description
                    .as_deref()
                    .unwrap_or(&member.wire_name)
            )
        )
    });
    let method_doc = doc_attrs(&format!(
        "{description}\n\n{}\n\nSee [`{}`].",
        input_docs.collect::<Vec<_>>().join("\n"),
        waiter.names.waiter
    ));
    let status_path = status_expression(&waiter.path);
    quote! {
        impl crate::Client {
            #method_doc
            pub fn #method(&self, #(#arguments),*) -> #waiter_type {
                #waiter_type {
                    poll: self.#module() #(#setters)*,
                    delay: ::std::time::Duration::from_secs(#delay),
                    timeout: ::std::time::Duration::from_secs(#timeout),
                    on_status_change: None,
                }
            }
        }

        #doc
        #[derive(Debug)]
        pub struct #waiter_type {
            poll: crate::operation::#module::#fluent,
            delay: ::std::time::Duration,
            timeout: ::std::time::Duration,
            on_status_change: Option<::acs_runtime::StatusCallback>,
        }

        impl #waiter_type {
            /// The mean time between polls; each is drawn between half and one and a half of it.
            pub fn delay(mut self, delay: ::std::time::Duration) -> Self {
                self.delay = delay;
                self
            }
            /// How long to wait in all before failing with a timeout.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = timeout;
                self
            }
            /// Calls `callback` with the status each time it changes (`None` while no status
            /// is found), besides the `tracing` event every change makes.
            pub fn on_status_change(mut self, callback: impl FnMut(Option<&str>) + Send + 'static) -> Self {
                self.on_status_change = Some(::acs_runtime::StatusCallback::new(callback));
                self
            }
            /// Polls until a final status: `Ok` with the last response on success, an error
            /// on a failure status, a status that needs action, a status missing poll after
            /// poll, a failed call or the timeout.
            pub async fn wait(
                self,
            ) -> Result<
                crate::operation::#module::#response,
                ::acs_runtime::WaiterError<crate::operation::#module::#response>,
            > {
                let poll = self.poll;
                let rule = ::acs_runtime::WaitRule {
                    success: &[#(#success),*],
                    failure: &[#(#failure),*],
                    needs_action: &[#(#needs_action),*],
                    delay: self.delay,
                    timeout: self.timeout,
                };
                ::acs_runtime::wait(|| poll.clone().send(), #status_fn, rule, self.on_status_change).await
            }
        }

        fn #status_fn(response: &crate::operation::#module::#response) -> Option<&str> {
            #status_path
        }
    }
}

/// `response.executions.as_ref()?.first()?.status.as_deref()` for `Executions[0].Status`.
fn status_expression(path: &[PathStep]) -> TokenStream {
    let mut expression = quote!(response);
    for (index, step) in path.iter().enumerate() {
        let last = index + 1 == path.len();
        expression = match step {
            // A string or an enum of strings.
            PathStep::Field(names) if last => {
                let name = ident(&names.field);
                quote!(#expression.#name.as_ref().map(|status| status.as_ref()))
            }
            PathStep::Field(names) => {
                let name = ident(&names.field);
                quote!(#expression.#name.as_ref()?)
            }
            PathStep::FirstElement => quote!(#expression.first()?),
        };
    }
    expression
}

fn quoted_list(values: &[String]) -> String {
    values
        .iter()
        .map(|value| format!("`{value}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
