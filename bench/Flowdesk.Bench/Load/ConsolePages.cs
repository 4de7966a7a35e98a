using Flowdesk.Bench.Generation;

namespace Flowdesk.Bench.Load;

/// <summary>
/// The technician console's heavy pages as the browser first loads them (the prerendered HTML, before the circuit
/// starts), with the technician's cookie: a ticket with 50 comments and 200 history rows (target: first render under
/// 100 ms of server time), and the Kanban board of the IT desk, whose open tickets run to six figures at scale large.
/// Measured with one client, so the time is the page's own and not a queue behind other requests.
/// </summary>
public static class ConsolePages
{
    public const string TicketPage = "ticket page (HTML), 50 comments + 200 history";
    public const string Board = "Kanban board (HTML), IT desk";

    public static async Task<IReadOnlyList<Operation>> OperationsAsync(string url, Manifest manifest)
    {
        var http = await CookieBrowser.SignedInAsync(url, DemoAccounts.Technician);
        return
        [
            new Operation(TicketPage, 1, (_, r) => CookieBrowser.Page(http, $"/tickets/{Texts.Pick(manifest.HeavyTickets, r)}")),
            new Operation(Board, 1, (_, _) => CookieBrowser.Page(http, "/console/board?desk=it")),
        ];
    }
}
