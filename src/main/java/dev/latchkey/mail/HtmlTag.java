package dev.latchkey.mail;

import java.util.Locale;

/**
 * One tag of an HTML part as a browser reads it: its name, whether it closes an element, and the {@code href} among its
 * attributes, whose values may be quoted and then hold {@code >}. Read in one pass, for {@link MailTemplates}' check
 * of what a mail shows.
 */
record HtmlTag(String name, boolean closing, String href, int end) {
    /** The tag that starts at {@code start} (a {@code <}), or null when none does (a {@code <} of the text). */
    static HtmlTag at(String html, int start) {
        int i = start + 1;
        boolean closing = i < html.length() && html.charAt(i) == '/';
        if (closing) {
            i++;
        }
        int nameStart = i;
        while (i < html.length() && (Character.isLetterOrDigit(html.charAt(i)) || html.charAt(i) == '-')) {
            i++;
        }
        if (i == nameStart || !Character.isLetter(html.charAt(nameStart))) {
            return null;
        }
        String name = html.substring(nameStart, i).toLowerCase(Locale.ROOT);
        String href = null;
        while (i < html.length() && html.charAt(i) != '>') {
            char c = html.charAt(i);
            if (Character.isWhitespace(c) || c == '/') {
                i++;
                continue;
            }
            int attributeStart = i;
            while (i < html.length() && !Character.isWhitespace(html.charAt(i)) && "=>/".indexOf(html.charAt(i)) < 0) {
                i++;
            }
            String attribute = html.substring(attributeStart, i).toLowerCase(Locale.ROOT);
            while (i < html.length() && Character.isWhitespace(html.charAt(i))) {
                i++;
            }
            if (i < html.length() && html.charAt(i) == '=') {
                i++;
                while (i < html.length() && Character.isWhitespace(html.charAt(i))) {
                    i++;
                }
                int valueStart;
                int valueEnd;
                if (i < html.length() && (html.charAt(i) == '"' || html.charAt(i) == '\'')) {
                    valueStart = i + 1;
                    int close = html.indexOf(html.charAt(i), valueStart);
                    valueEnd = close < 0 ? html.length() : close;
                    i = close < 0 ? html.length() : close + 1;
                } else {
                    valueStart = i;
                    while (i < html.length() && !Character.isWhitespace(html.charAt(i)) && html.charAt(i) != '>') {
                        i++;
                    }
                    valueEnd = i;
                }
                if (attribute.equals("href") && href == null) {
                    href = html.substring(valueStart, valueEnd);
                }
            }
        }
        return new HtmlTag(name, closing, href, Math.min(i + 1, html.length()));
    }
}
