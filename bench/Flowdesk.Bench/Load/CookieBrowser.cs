using System.Net;
using System.Text.RegularExpressions;
using Flowdesk.Bench.Generation;

namespace Flowdesk.Bench.Load;

/// <summary>
/// A browser's view of the pages: the person signs in once through /signin like a browser (antiforgery token and
/// all) and keeps the cookie; a page is fetched and its whole HTML body read.
/// </summary>
public static partial class CookieBrowser
{
    public static async Task<HttpClient> SignedInAsync(string url, string user, int connections = 1024)
    {
        var http = new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(),
            UseCookies = true,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(60),
        };
        var form = await http.GetStringAsync("/signin");
        var token = Token().Match(form) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("The sign-in page has no antiforgery token.");
        using var response = await http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "signin",
            ["Input.UserName"] = user,
            ["Input.Password"] = DemoAccounts.Password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Signing in {user} through /signin answered {(int)response.StatusCode}.");
        return http;
    }

    public static async Task<HttpStatusCode> Page(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        _ = await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
