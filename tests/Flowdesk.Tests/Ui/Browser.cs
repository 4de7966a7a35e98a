using System.Net;
using System.Text.RegularExpressions;
using Flowdesk.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace Flowdesk.Tests.Ui;

/// <summary>
/// A person at a browser without JavaScript: keeps cookies, does not follow redirects by itself,
/// and posts forms with the hidden fields (antiforgery token, form name) the page rendered.
/// </summary>
public sealed partial class Browser : IDisposable
{
    static readonly Uri Site = new("http://localhost");
    readonly CookieContainerHandler cookies = new();

    Browser(FlowdeskApp app, string? acceptLanguage)
    {
        // Cookies kept, redirects not followed (the default client follows none without a redirect handler).
        Client = app.CreateDefaultClient(Site, cookies);
        if (acceptLanguage is not null) Client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
    }

    public HttpClient Client { get; }

    public static Browser Open(FlowdeskApp app, string? acceptLanguage = "en") => new(app, acceptLanguage);

    public string? Cookie(string name) => cookies.Container.GetCookies(Site)[name]?.Value;

    public async Task<Page> Get(string url)
    {
        var response = await Client.GetAsync(url);
        return new Page(response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Fills the form whose action (or, for Blazor forms, whose form name) matches, then posts it.</summary>
    public async Task<Page> Submit(Page page, string form, IReadOnlyDictionary<string, string> fields)
    {
        var (action, hidden) = page.Form(form);
        var values = new Dictionary<string, string>(hidden, StringComparer.Ordinal);
        foreach (var (name, value) in fields) values[name] = value;
        var target = string.IsNullOrEmpty(action) ? page.Response.RequestMessage!.RequestUri!.PathAndQuery : WebUtility.HtmlDecode(action);
        var response = await Client.PostAsync(target, new FormUrlEncodedContent(values));
        return new Page(response, await response.Content.ReadAsStringAsync());
    }

    public async Task<Page> SignIn(string userName, string password = FlowdeskApp.Password, string url = "/signin")
    {
        var page = await Get(url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await Submit(page, "signin", new Dictionary<string, string>
        {
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        });
    }

    /// <summary>Signs in and checks that it worked (a redirect, with the authentication cookie set).</summary>
    public async Task SignedInAs(string userName)
    {
        var result = await SignIn(userName);
        Assert.True(result.Status == HttpStatusCode.Redirect, $"Sign-in of {userName} answered {(int)result.Status}: {result.Text(300)}");
    }

    public void Dispose() => Client.Dispose();

    public sealed partial class Page(HttpResponseMessage response, string html)
    {
        public HttpResponseMessage Response { get; } = response;
        public string Html { get; } = html;
        public HttpStatusCode Status => Response.StatusCode;
        /// <summary>Where a redirect points, as a path on this site; an absolute address elsewhere stays absolute.</summary>
        public string? Location => Response.Headers.Location is not { } location ? null
            : location.IsAbsoluteUri && location.Host == Site.Host && location.Port == Site.Port ? location.PathAndQuery
            : location.OriginalString;

        public string Text(int length) => Html.Length <= length ? Html : Html[..length];

        /// <summary>The page without the per-request antiforgery tokens and component markers (prerender ids, descriptors), for comparing two pages.</summary>
        public string Stable => ComponentState().Replace(TokenValue().Replace(Html, "value=\"token\""), "");

        public (string Action, Dictionary<string, string> Hidden) Form(string nameOrAction)
        {
            foreach (Match form in FormPattern().Matches(Html))
            {
                var attributes = form.Groups["attrs"].Value;
                var body = form.Groups["body"].Value;
                var action = ActionPattern().Match(attributes) is { Success: true } a ? a.Groups[1].Value : "";
                var hidden = HiddenPattern().Matches(body).ToDictionary(
                    m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value), StringComparer.Ordinal);
                if (action == nameOrAction || (hidden.TryGetValue("_handler", out var handler) && handler == nameOrAction))
                    return (action, hidden);
            }
            throw new InvalidOperationException($"No form '{nameOrAction}' on the page: {Text(2000)}");
        }

        [GeneratedRegex("<form(?<attrs>[^>]*)>(?<body>.*?)</form>", RegexOptions.Singleline)]
        private static partial Regex FormPattern();

        [GeneratedRegex("action=\"([^\"]*)\"")]
        private static partial Regex ActionPattern();

        [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
        private static partial Regex HiddenPattern();

        [GeneratedRegex("(?<=name=\"__RequestVerificationToken\" )value=\"[^\"]*\"")]
        private static partial Regex TokenValue();

        [GeneratedRegex("<!--Blazor(-[A-Za-z-]+-State)?:[^>]*-->")]
        private static partial Regex ComponentState();
    }
}
