//! `#[derive(Localize)]`: each variant of an error carries its French message beside its
//! English one, so that the two are written once, in one place, and cannot drift apart.
//!
//! ```ignore
//! #[derive(Debug, thiserror::Error, Localize)]
//! pub enum Error {
//!     #[error("no proposal with id {0}")]
//!     #[fr("aucune proposition n'a l'identifiant {0}")]
//!     UnknownProposal(String),
//!     #[error("cannot read {}: {source}", .path.display())]
//!     #[fr("impossible de lire {} : {}", path.display(), source.localize(lang))]
//!     Read { path: PathBuf, source: ReadError },
//!     #[error(transparent)]
//!     Bundle(#[from] BundleError),
//! }
//! ```
//!
//! - English is thiserror's `Display`; French is `#[fr("format", args…)]`, with the fields
//!   in scope by name (`{0}` for a tuple field, `_0` in an argument) and `lang` too, so that
//!   a nested error is told in French as well.
//! - A `#[error(transparent)]` variant hands both languages to the error it wraps.
//! - `#[localize(then = path)]` on the enum passes each message through
//!   `path(&self, lang, message) -> String`, for advice that depends on the cause.
//! - A variant with neither is a compile error: no message ships in one language only; so
//!   is a field named `lang`, which would hide the reader's language.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{parse_macro_input, Attribute, Data, DeriveInput, Expr, Fields, LitStr, Path, Token};

#[proc_macro_derive(Localize, attributes(fr, localize))]
pub fn derive_localize(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// `#[fr("format", args…)]`.
struct French {
    format: LitStr,
    args: Vec<Expr>,
}

impl syn::parse::Parse for French {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let format: LitStr = input.parse()?;
        let mut args = Vec::new();
        if input.parse::<Option<Token![,]>>()?.is_some() {
            args = Punctuated::<Expr, Token![,]>::parse_terminated(input)?.into_iter().collect();
        }
        Ok(French { format, args })
    }
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(Span::call_site(), "#[derive(Localize)] is for error enums"));
    };
    let then = then_path(&input.attrs)?;
    let mut transparent_arms = Vec::new();
    let mut french_arms = Vec::new();
    for variant in &data.variants {
        let name = &variant.ident;
        let (pattern, fields) = bindings(&variant.fields);
        if fields.iter().any(|field| field == "lang") {
            return Err(syn::Error::new_spanned(
                variant,
                "a field named `lang` would hide the reader's language in the French message: rename it",
            ));
        }
        let french = variant.attrs.iter().find(|a| a.path().is_ident("fr"));
        match french {
            Some(attr) => {
                let French { format, args } = attr.parse_args()?;
                let format = LitStr::new(&positional_to_named(&format.value()), format.span());
                french_arms.push(quote! { Self::#name #pattern => ::std::format!(#format #(, #args)*), });
            }
            None if is_transparent(&variant.attrs) => {
                let [inner] = &fields[..] else {
                    return Err(syn::Error::new_spanned(variant, "a transparent error wraps exactly one field"));
                };
                transparent_arms
                    .push(quote! { Self::#name #pattern => return ::recolte_core::Localize::localize(#inner, lang), });
            }
            None => {
                return Err(syn::Error::new_spanned(
                    variant,
                    format!("{name} has no French message: add #[fr(\"…\")] beside its #[error(…)]"),
                ))
            }
        }
    }
    // An enum of wrappers only has no French of its own: the guard below would leave the
    // match without a last arm.
    let english = if french_arms.is_empty() {
        quote! { _ => ::std::string::ToString::to_string(self), }
    } else {
        quote! { _ if lang == ::recolte_core::Lang::En => ::std::string::ToString::to_string(self), }
    };
    let finish = match then {
        Some(path) => quote! { #path(self, lang, text) },
        None => quote! { text },
    };
    let ty = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::recolte_core::Localize for #ty #ty_generics #where_clause {
            #[allow(unused_variables, clippy::useless_format)]
            fn localize(&self, lang: ::recolte_core::Lang) -> ::std::string::String {
                let text = match self {
                    #(#transparent_arms)*
                    #english
                    #(#french_arms)*
                };
                #finish
            }
        }
    })
}

/// The pattern that binds every field of a variant, and the names it binds them to.
fn bindings(fields: &Fields) -> (Tokens, Vec<syn::Ident>) {
    match fields {
        Fields::Unit => (quote! {}, Vec::new()),
        Fields::Unnamed(unnamed) => {
            let names: Vec<_> = (0..unnamed.unnamed.len()).map(|i| format_ident!("_{i}")).collect();
            (quote! { ( #(#names),* ) }, names)
        }
        Fields::Named(named) => {
            let names: Vec<_> = named.named.iter().filter_map(|f| f.ident.clone()).collect();
            (quote! { { #(#names),* } }, names)
        }
    }
}

fn is_transparent(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("error") && a.parse_args::<syn::Ident>().is_ok_and(|ident| ident == "transparent"))
}

fn then_path(attrs: &[Attribute]) -> syn::Result<Option<Path>> {
    let mut then = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("localize")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("then") {
                then = Some(meta.value()?.parse::<Path>()?);
                Ok(())
            } else {
                Err(meta.error("expected `then = path`"))
            }
        })?;
    }
    Ok(then)
}

/// `{0}` and `{1:?}` name the tuple fields bound as `_0` and `_1`; `{{` stays an escape.
fn positional_to_named(format: &str) -> String {
    let mut out = String::with_capacity(format.len() + 8);
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '{' {
            continue;
        }
        if chars.peek() == Some(&'{') {
            out.push('{');
            chars.next();
        } else if chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('_');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::positional_to_named;

    #[test]
    fn positional_fields_become_their_bindings() {
        assert_eq!(positional_to_named("aucune proposition {0} ({1:?})"), "aucune proposition {_0} ({_1:?})");
        assert_eq!(positional_to_named("{{0}} {name} {}"), "{{0}} {name} {}");
    }
}
