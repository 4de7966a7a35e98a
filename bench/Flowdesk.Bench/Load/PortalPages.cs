using System.Net;
using System.Text.RegularExpressions;
using Flowdesk.Bench.Generation;

namespace Flowdesk.Bench.Load;

/// <summary>
/// The self-service portal as an employee's browser loads it: statically rendered pages with the sign-in cookie
/// (not the API's bearer token). The employee signs in once through /signin like a browser (antiforgery token and
/// all); the operations then fetch the portal home (announcements, popular services, my open requests) and the
/// catalog page, reading the whole HTML body as a browser would.
/// </summary>
public static partial class PortalPages
{
    /// <summary>The portal operations on a cookie client of their own, signed in as the demo requester.</summary>
    public static async Task<IReadOnlyList<Operation>> OperationsAsync(string url, int connections = 1024)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = cookies,
            UseCookies = true,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(60),
        };
        await SignInAsync(http, DemoAccounts.Requester, DemoAccounts.Password);
        return
        [
            new Operation("portal home page", 1, (_, _) => Page(http, "/portal")),
            new Operation("catalog page", 1, (_, _) => Page(http, "/portal/catalog")),
        ];
    }

    static async Task<HttpStatusCode> Page(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        _ = await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    static async Task SignInAsync(HttpClient http, string user, string password)
    {
        var form = await http.GetStringAsync("/signin");
        var token = Token().Match(form) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("The sign-in page has no antiforgery token.");
        using var response = await http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "signin",
            ["Input.UserName"] = user,
            ["Input.Password"] = password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Signing in {user} through /signin answered {(int)response.StatusCode}.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
