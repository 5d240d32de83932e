//! Escaping where Leptos 0.8 does not. Two places write user text into the
//! server's HTML unescaped: a `<textarea>`'s children (tachys 0.2 marks the
//! element as not escaping) and leptos_meta's `<Title>`. Text there could
//! close the element (`</title><script>…`) and inject markup, so we escape
//! it on the server; the browser decodes the entities back, both elements
//! holding RCDATA. In the browser the text is used as is.

/// `&`, `<` and `>` as entities: enough for text inside an element.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Text for `<Title text=…>` that may come from a user.
pub fn title_text(text: &str) -> String {
    #[cfg(feature = "ssr")]
    return escape_text(text);
    #[cfg(not(feature = "ssr"))]
    text.to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaped_text_cannot_close_an_element() {
        assert_eq!(
            super::escape_text("a & b </textarea><script>x</script>"),
            "a &amp; b &lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;"
        );
    }
}
