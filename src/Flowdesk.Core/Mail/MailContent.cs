using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Flowdesk.Mail;

/// <summary>
/// The readable parts of an incoming mail: the HTML body sanitised (no scripts, handlers, forms, frames, styles that
/// load anything, or remote images — inline images point at their stored attachments), and a plain-text version for the
/// ticket, taken from the text part or made from the HTML. Pure.
/// </summary>
public static partial class MailContent
{
    /// <summary>
    /// Sanitises mail HTML. <paramref name="inlineImages"/> maps Content-IDs to the download path of their attachment;
    /// any other image source is dropped so a mail cannot make the viewer's browser call out (tracking pixels).
    /// </summary>
    public static string SanitizeHtml(string html, IReadOnlyDictionary<string, string> inlineImages)
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedTags.Remove("form");
        sanitizer.AllowedTags.Remove("input");
        sanitizer.AllowedTags.Remove("button");
        sanitizer.AllowedTags.Remove("textarea");
        sanitizer.AllowedTags.Remove("select");
        sanitizer.AllowedTags.Remove("option");
        sanitizer.AllowedAttributes.Remove("id");
        sanitizer.AllowedAttributes.Remove("name");
        sanitizer.AllowedCssProperties.Remove("background-image");
        sanitizer.AllowedCssProperties.Remove("background");
        sanitizer.AllowedCssProperties.Remove("list-style-image");
        sanitizer.AllowedCssProperties.Remove("cursor");
        var imageSources = new HashSet<string>(inlineImages.Values, StringComparer.Ordinal);
        sanitizer.FilterUrl += (_, e) =>
        {
            if (e.Tag.NodeName.Equals("IMG", StringComparison.OrdinalIgnoreCase))
            {
                if (e.SanitizedUrl is null || !imageSources.Contains(e.SanitizedUrl)) e.SanitizedUrl = null;
            }
            // Links may not point back into the application (a relative href would act with the viewer's session).
            else if (e.SanitizedUrl is { } url && !IsAbsoluteOutside(url)) e.SanitizedUrl = null;
        };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IElement { NodeName: "A" } a && a.GetAttribute("href") is not null)
            {
                a.SetAttribute("rel", "noopener noreferrer nofollow");
                a.SetAttribute("target", "_blank");
            }
        };
        return sanitizer.Sanitize(WithInlineImages(html, inlineImages)).Trim();
    }

    /// <summary>Points cid: images at their attachments and drops every other image source (remote images track readers).</summary>
    static string WithInlineImages(string html, IReadOnlyDictionary<string, string> inlineImages)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var img in document.QuerySelectorAll("img").ToList())
        {
            var src = img.GetAttribute("src")?.Trim() ?? "";
            if (src.StartsWith("cid:", StringComparison.OrdinalIgnoreCase) && inlineImages.TryGetValue(ContentIdKey(src[4..]), out var path))
                img.SetAttribute("src", path);
            else
                img.RemoveAttribute("src");
            img.RemoveAttribute("srcset");
        }
        return document.Body?.InnerHtml ?? "";
    }

    /// <summary>A Content-ID as a lookup key: without angle brackets, URL-decoded, lower case.</summary>
    public static string ContentIdKey(string contentId) =>
        Uri.UnescapeDataString(contentId.Trim().TrimStart('<').TrimEnd('>')).ToLowerInvariant();

    static bool IsAbsoluteOutside(string url) =>
        url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);

    // Paragraph-like blocks stand apart with a blank line; line-like ones only start on a line of their own.
    static readonly HashSet<string> ParagraphElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "P", "UL", "OL", "TABLE", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "HR", "DL", "SECTION", "ARTICLE", "HEADER", "FOOTER",
    };

    static readonly HashSet<string> LineElements = new(StringComparer.OrdinalIgnoreCase) { "DIV", "LI", "TR", "DT", "DD", "ADDRESS" };

    /// <summary>Readable text of an HTML document: block elements on their own lines, list items with "- ", no markup.</summary>
    public static string HtmlToText(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var text = new StringBuilder();
        Walk(document.Body ?? (INode)document, text);
        return Tidy(text.ToString(), trimStart: true);
    }

    static void Walk(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    text.Append(CollapseSpaces().Replace(t.Data, " "));
                    break;
                case IElement e when e.NodeName is "SCRIPT" or "STYLE" or "HEAD" or "TITLE" or "TEMPLATE":
                    break;
                case IElement e when e.NodeName == "PRE":
                    text.Append("\n\n").Append(e.TextContent).Append("\n\n");
                    break;
                case IElement e when e.NodeName == "BR":
                    text.Append('\n');
                    break;
                case IElement e:
                    var paragraph = ParagraphElements.Contains(e.NodeName);
                    var line = LineElements.Contains(e.NodeName);
                    if (paragraph) text.Append("\n\n");
                    else if (line) StartLine(text);
                    if (e.NodeName == "LI") text.Append("- ");
                    if (e.NodeName is "TD" or "TH" && e.PreviousElementSibling is not null) text.Append('\t');
                    Walk(e, text);
                    if (e.NodeName == "A" && e.GetAttribute("href") is { } href && href.StartsWith("http", StringComparison.OrdinalIgnoreCase)
                        && !e.TextContent.Contains(href, StringComparison.Ordinal))
                        text.Append(" (").Append(href).Append(')');
                    if (paragraph) text.Append("\n\n");
                    else if (line) StartLine(text);
                    break;
            }
        }
    }

    static void StartLine(StringBuilder text)
    {
        // Spaces between the last text and here do not count.
        var end = text.Length;
        while (end > 0 && text[end - 1] == ' ') end--;
        if (end > 0 && text[end - 1] != '\n') text.Append('\n');
    }

    /// <summary>
    /// Trailing spaces trimmed on each line (leading ones too with <paramref name="trimStart"/>, for text made from HTML,
    /// where they are layout), at most one blank line in a row, no blank lines at the ends.
    /// </summary>
    public static string Tidy(string text, bool trimStart = false)
    {
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n').Select(l => trimStart ? l.Trim() : l.TrimEnd());
        var result = new StringBuilder();
        var blank = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                blank++;
                continue;
            }
            if (result.Length > 0) result.Append(blank > 0 ? "\n\n" : "\n");
            blank = 0;
            result.Append(line);
        }
        return result.ToString();
    }

    /// <summary>
    /// The new part of a reply: cuts the quoted conversation that mail programs append — an attribution line ("On … wrote:",
    /// "在 … 写道：") followed only by quoted lines, an "Original Message" separator, or a trailing block of "&gt;" lines.
    /// Returns the text unchanged when nothing would be left.
    /// </summary>
    public static string WithoutQuotedReply(string text)
    {
        var lines = Tidy(text).Split('\n');
        var end = lines.Length;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (OriginalMessage().IsMatch(line)) { end = i; break; }
            if (Attribution().IsMatch(line) && lines.Skip(i + 1).All(l => l.Length == 0 || l.StartsWith('>'))) { end = i; break; }
        }
        while (end > 0 && (lines[end - 1].Length == 0 || lines[end - 1].StartsWith('>'))) end--;
        var kept = string.Join('\n', lines.Take(end)).Trim();
        return kept.Length == 0 ? Tidy(text) : kept;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex CollapseSpaces();

    [GeneratedRegex(@"^(On\s.+\swrote:|在.+写道[:：]|Am\s.+schrieb.+:|Le\s.+a écrit\s?:)$", RegexOptions.IgnoreCase)]
    private static partial Regex Attribution();

    [GeneratedRegex(@"^-{2,}\s*(Original Message|原始邮件|Ursprüngliche Nachricht)\s*-{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessage();
}
