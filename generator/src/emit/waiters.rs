//! `Client::wait_until_<name>()`: polling loops declared in service.yaml.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, member_doc};
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
    let description = waiter
        .description
        .clone()
        .unwrap_or_else(|| format!("Waits for {}.", waiter.name));
    let doc = doc_attrs(&format!(
        "{description}\n\nPolls `{}` every {delay} s until the status is one of {} (success) or {} \
         (failure), for at most {timeout} s; both can be changed on the returned waiter.",
        waiter.operation_name,
        quoted_list(success),
        if failure.is_empty() {
            "none".to_string()
        } else {
            quoted_list(failure)
        },
    ));
    let inputs = waiter.inputs.iter().map(|member| {
        let doc = doc_attrs(&member_doc(member));
        let name = ident(&member.names.field);
        let (arg, _) = setter_argument(&member.ty, &quote!(input));
        quote! {
            #doc
            pub fn #name(mut self, input: #arg) -> Self {
                self.poll = self.poll.#name(input);
                self
            }
        }
    });
    let status_path = status_expression(&waiter.path);
    quote! {
        impl crate::Client {
            #doc
            pub fn #method(&self) -> #waiter_type {
                #waiter_type {
                    poll: self.#module(),
                    delay: ::std::time::Duration::from_secs(#delay),
                    timeout: ::std::time::Duration::from_secs(#timeout),
                }
            }
        }

        #doc
        #[derive(Clone, Debug)]
        pub struct #waiter_type {
            poll: crate::operation::#module::#fluent,
            delay: ::std::time::Duration,
            timeout: ::std::time::Duration,
        }

        impl #waiter_type {
            #(#inputs)*
            /// Time between polls.
            pub fn delay(mut self, delay: ::std::time::Duration) -> Self {
                self.delay = delay;
                self
            }
            /// How long to wait in all before failing with a timeout.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = timeout;
                self
            }
            /// Polls until a final status: `Ok` with the last response on success, an error
            /// on a failure status, a failed call or the timeout.
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
                    delay: self.delay,
                    timeout: self.timeout,
                };
                ::acs_runtime::wait(|| poll.clone().send(), #status_fn, rule).await
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
            PathStep::Field(names) if last => {
                let name = ident(&names.field);
                quote!(#expression.#name.as_deref())
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
