//! `#[derive(CEnum)]`: every C ABI enum of libauthsignal_terminal is written once, as a
//! `#[repr(u32)]` Rust enum with explicit numbers (which cbindgen turns into the header's
//! `typedef uint32_t NAME;` and its constants). The derive adds, from that one source:
//!
//! - `NAME::ALL`: every value, in declaration order;
//! - `NAME::from_u32(n)`: the value with that number, or `None` (so a number from C is
//!   checked, never transmuted);
//! - `NAME::c_name(self)`: the constant's name in the header, as cbindgen writes it with
//!   `prefix_with_name` and `ScreamingSnakeCase` (`as_result::StillPending` is
//!   `AS_RESULT_STILL_PENDING`), as a static C string.
//!
//! It refuses an enum without `#[repr(u32)]` or a variant without an explicit number, so
//! a number can never depend on declaration order.

use proc_macro::TokenStream;
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Expr, Fields};

#[proc_macro_derive(CEnum)]
pub fn derive_c_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let name = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(name, "CEnum is for enums"));
    };
    let repr_u32 = input.attrs.iter().any(|a| {
        a.path().is_ident("repr") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "u32")
    });
    if !repr_u32 {
        return Err(syn::Error::new_spanned(name, "CEnum needs #[repr(u32)]"));
    }
    let prefix = name.to_string().to_uppercase();
    let mut variants = Vec::new();
    let mut names = Vec::new();
    let mut numbers = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(syn::Error::new_spanned(v, "CEnum variants carry no data"));
        }
        let Some((_, Expr::Lit(number))) = &v.discriminant else {
            return Err(syn::Error::new_spanned(
                v,
                "CEnum variants need an explicit number (= N)",
            ));
        };
        let c_name = format!("{prefix}_{}\0", screaming_snake(&v.ident.to_string()));
        let c_name = proc_macro2::Literal::byte_string(c_name.as_bytes());
        variants.push(&v.ident);
        names.push(c_name);
        numbers.push(number.clone());
    }
    Ok(quote! {
        impl #name {
            /// Every value, in declaration order.
            pub const ALL: &'static [#name] = &[#(#name::#variants),*];

            /// The value with this number, or `None`: a number from C is checked here.
            pub const fn from_u32(number: u32) -> ::core::option::Option<#name> {
                match number {
                    #(#numbers => ::core::option::Option::Some(#name::#variants),)*
                    _ => ::core::option::Option::None,
                }
            }

            /// The constant's name in the C header, e.g. "AS_RESULT_OK".
            pub const fn c_name(self) -> &'static ::core::ffi::CStr {
                let bytes: &'static [u8] = match self {
                    #(#name::#variants => #names,)*
                };
                match ::core::ffi::CStr::from_bytes_with_nul(bytes) {
                    ::core::result::Result::Ok(name) => name,
                    ::core::result::Result::Err(_) => panic!("a C name has one NUL, at its end"),
                }
            }
        }
    })
}

/// `StillPending` -> `STILL_PENDING`, as cbindgen's ScreamingSnakeCase does it.
fn screaming_snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_uppercase());
    }
    out
}
