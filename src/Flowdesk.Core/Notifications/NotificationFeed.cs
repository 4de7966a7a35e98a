using System.Collections.Immutable;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Flowdesk.Notifications;

/// <summary>
/// In-process "these people have new notifications", published after the fan-out commits; open bells subscribe and
/// reload their own count. It carries person ids only. Several web nodes need a backplane, as the ticket feed does.
/// </summary>
public sealed class NotificationFeed
{
    readonly Lock gate = new();
    ImmutableArray<Action<IReadOnlyCollection<Guid>>> listeners = [];

    public void Publish(IReadOnlyCollection<Guid> people)
    {
        if (people.Count == 0) return;
        foreach (var listener in listeners)
        {
            try { listener(people); }
            catch (ObjectDisposedException) { } // a closed circuit; it unsubscribes when disposed
        }
    }

    public IDisposable Subscribe(Action<IReadOnlyCollection<Guid>> listener)
    {
        lock (gate) listeners = listeners.Add(listener);
        return new Subscription(this, listener);
    }

    sealed class Subscription(NotificationFeed feed, Action<IReadOnlyCollection<Guid>> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (feed.gate) feed.listeners = feed.listeners.Remove(listener);
        }
    }
}

/// <summary>The HTML part of a notification e-mail: the rendered text, every character encoded, links made clickable.</summary>
public static partial class NotificationHtml
{
    public static string From(string subject, string text, string language)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"").Append(language).Append("\"><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(subject)).Append("</title></head><body style=\"font-family:sans-serif;font-size:14px;line-height:1.5\">");
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
        {
            var lines = paragraph.Split('\n');
            var quote = lines.All(l => l.StartsWith('>'));
            html.Append(quote ? "<blockquote style=\"border-left:3px solid #ccc;margin:0;padding-left:8px;color:#555\">" : "<p>");
            html.Append(string.Join("<br>", lines.Select(l => Linkify(quote ? l.TrimStart('>').TrimStart() : l))));
            html.Append(quote ? "</blockquote>" : "</p>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    static string Linkify(string line)
    {
        var result = new StringBuilder();
        var last = 0;
        foreach (Match match in Url().Matches(line))
        {
            result.Append(WebUtility.HtmlEncode(line[last..match.Index]));
            var url = WebUtility.HtmlEncode(match.Value);
            result.Append("<a href=\"").Append(url).Append("\">").Append(url).Append("</a>");
            last = match.Index + match.Length;
        }
        result.Append(WebUtility.HtmlEncode(line[last..]));
        return result.ToString();
    }

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex Url();
}
