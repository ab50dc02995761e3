package dev.latchkey.mail;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateRendererTest {
    @Test
    void renderWhenSectionsThenShownByPresence() {
        var parsed = TemplateRenderer.parse("Hi{{#name}} {{name}}{{/name}}!{{^link}} code {{token}}{{/link}}");
        assertThat(parsed.render(Map.of("name", "Ada", "token", "t"), UnaryOperator.identity()))
                .isEqualTo("Hi Ada! code t");
        assertThat(parsed.render(Map.of("link", "x"), UnaryOperator.identity())).isEqualTo("Hi!");
        assertThat(parsed.names()).isEqualTo(Set.of("name", "link", "token"));
    }

    @Test
    void renderWhenHtmlThenValuesEscapedButTemplateNot() {
        var parsed = TemplateRenderer.parse("<b>{{name}}</b>");
        assertThat(parsed.render(Map.of("name", "<i>\"x\" & 'y'</i>"), TemplateRenderer::escapeHtml))
                .isEqualTo("<b>&lt;i&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/i&gt;</b>");
    }

    @Test
    void renderWhenValueLooksLikeTagThenNotRenderedAgain() {
        var parsed = TemplateRenderer.parse("{{name}}");
        assertThat(parsed.render(Map.of("name", "{{token}}", "token", "secret"), UnaryOperator.identity()))
                .isEqualTo("{{token}}");
    }

    @Test
    void parseWhenBrokenThenSyntaxException() {
        assertThatThrownBy(() -> TemplateRenderer.parse("{{name")).isInstanceOf(TemplateRenderer.SyntaxException.class);
        assertThatThrownBy(() -> TemplateRenderer.parse("{{#a}}x")).hasMessageContaining("never closed");
        assertThatThrownBy(() -> TemplateRenderer.parse("{{#a}}{{/b}}")).hasMessageContaining("not open");
        assertThatThrownBy(() -> TemplateRenderer.parse("{{#a}}".repeat(17) + "x" + "{{/a}}".repeat(17)))
                .hasMessageContaining("nested at most 16");
        assertThat(TemplateRenderer.parse("{{#a}}".repeat(16) + "x" + "{{/a}}".repeat(16))).isNotNull();
        assertThatThrownBy(() -> TemplateRenderer.parse("{{> partial}}")).hasMessageContaining("not a variable");
        assertThatThrownBy(() -> TemplateRenderer.parse("{{{raw}}}")).isInstanceOf(TemplateRenderer.SyntaxException.class);
    }

    @Test
    void builtInTemplatesWhenLoadedThenEveryMessageInEveryShippedLanguage() {
        var builtIn = BuiltInTemplates.load();
        for (MailTemplate template : MailTemplate.values()) {
            assertThat(builtIn.languages(template)).containsExactlyInAnyOrder("en", "de");
        }
        assertThat(builtIn.layout()).contains("{{content}}").contains("{{language}}");
    }

    @Test
    void wordingWhenLanguageAndDurationThenBestMatch() {
        Set<String> available = Set.of("en", "de", "pt-br");
        assertThat(Wording.pick("de-AT", available)).isEqualTo("de");
        assertThat(Wording.pick("PT_br", available)).isEqualTo("pt-br");
        assertThat(Wording.pick("ja", available)).isEqualTo("en");
        assertThat(Wording.pick(null, available)).isEqualTo("en");
        assertThat(Wording.duration(Duration.ofSeconds(900), "en")).isEqualTo("15 minutes");
        assertThat(Wording.duration(Duration.ofSeconds(3600), "de")).isEqualTo("1 Stunde");
        assertThat(Wording.duration(Duration.ofDays(2), "fr")).isEqualTo("2 days");
        assertThat(Wording.duration(Duration.ofSeconds(90), "de")).isEqualTo("2 Minuten");
    }

    @Test
    void linkWhenUrlHasQueryThenTokenAppended() {
        assertThat(SecretLink.link("https://a.example/x", "T")).isEqualTo("https://a.example/x?token=T");
        assertThat(SecretLink.link("https://a.example/x?y=1", "T")).isEqualTo("https://a.example/x?y=1&token=T");
        assertThat(SecretLink.link("https://a.example/x?", "T")).isEqualTo("https://a.example/x?token=T");
        assertThat(SecretLink.link("https://a.example/x?y=1&", "T")).isEqualTo("https://a.example/x?y=1&token=T");
        assertThat(SecretLink.link(null, "T")).isEmpty();
    }

    @Test
    void linkWhenUrlHasFragmentThenTokenJoinsTheFragmentsQuery() {
        assertThat(SecretLink.link("https://a.example/#/verify", "T")).isEqualTo("https://a.example/#/verify?token=T");
        assertThat(SecretLink.link("https://a.example/#/v?x=1", "T")).isEqualTo("https://a.example/#/v?x=1&token=T");
        // the URL's query is not the fragment's: a router reading "#frag&token=T" would find no token
        assertThat(SecretLink.link("https://a.example/v?a=1#frag", "T")).isEqualTo("https://a.example/v?a=1#frag?token=T");
        assertThat(SecretLink.link("https://a.example/v?a=1#", "T")).isEqualTo("https://a.example/v?a=1#?token=T");
    }
}
