using System.CommandLine;
using System.Text;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Documents;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Cli;

/// <summary>
/// <c>flowdesk process import|export|diff|publish</c>: process-as-code from the command line. Errors are one line each,
/// <c>file:line:column: path: message</c>; exit 2 for bad input (nothing saved), 1 when the database fails.
/// </summary>
static class ProcessCommand
{
    static readonly Option<string> As = new("--as")
    {
        Description = "The user recorded as the author (default: admin).",
        DefaultValueFactory = _ => "admin",
    };

    public static Command Create()
    {
        var command = new Command("process", "Process-as-code: import, export, compare and publish process definitions.");
        command.Subcommands.Add(Import());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Diff());
        command.Subcommands.Add(Publish());
        return command;
    }

    static Command Import()
    {
        var file = new Argument<FileInfo>("file") { Description = "A process document, .yaml/.yml or .json." };
        var publish = new Option<bool>("--publish") { Description = "Publish the saved draft right away." };
        var command = new Command("import", "Validate a process document and save it as the process's draft (creating the process when new).")
        {
            file, publish, As,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var path = parseResult.GetValue(file)!;
            var parse = await ReadAsync(path, ct);
            if (parse is null) return ExitCodes.BadInput;
            if (!parse.Ok) return Report(path.Name, parse.Errors);
            var definition = parse.Definition!;

            return await DatabaseCommand.RunAsync(parseResult, async (db, _, ct) =>
            {
                if (await AuthorAsync(db, parseResult.GetValue(As)!, ct) is not { } author) return ExitCodes.BadInput;
                var errors = ProcessValidator.Validate(definition, await ProcessLibrary.ReferencesAsync(db, ct));
                if (errors.Count > 0) return Report(path.Name, parse.Locate(errors));

                var now = TimeProvider.System.GetUtcNow();
                var saved = await ProcessLibrary.SaveDraftAsync(db, definition, author, now, ct);
                if (!saved.Ok) return Report(path.Name, parse.Locate(saved.Errors));
                await db.SaveChangesAsync(ct);
                Console.WriteLine($"Saved {definition.Key} version {saved.Version!.Number} (draft).");
                if (!parseResult.GetValue(publish)) return ExitCodes.Ok;
                return await PublishAsync(db, definition.Key, saved.Version.Number, author, ct);
            }, ct);
        });
        return command;
    }

    static Command Export()
    {
        var key = new Argument<string>("key") { Description = "The process key, e.g. hr.onboarding." };
        var version = new Option<int?>("--version") { Description = "The version number (default: the published one, else the newest)." };
        var format = new Option<string>("--format") { Description = "yaml or json.", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "json");
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file instead of standard output." };
        var command = new Command("export", "Write a process version as YAML or JSON.") { key, version, format, output };
        command.SetAction((parseResult, ct) => DatabaseCommand.RunAsync(parseResult, async (db, _, ct) =>
        {
            var processKey = parseResult.GetValue(key)!;
            var process = await db.Processes.AsNoTracking().Include(p => p.Versions).SingleOrDefaultAsync(p => p.Key == processKey, ct);
            if (process is null) return Fail($"there is no process '{processKey}'.");
            var number = parseResult.GetValue(version) ?? process.PublishedVersion ?? process.Versions.Select(v => (int?)v.Number).Max();
            var definition = number is { } n ? await ProcessLibrary.DefinitionAsync(db, processKey, n, ct) : null;
            if (definition is null) return Fail($"process '{processKey}' has no version {number?.ToString() ?? "yet"}.");

            var text = parseResult.GetValue(format) == "json" ? ProcessDocuments.ToJson(definition) : ProcessDocuments.ToYaml(definition);
            if (parseResult.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, text, new UTF8Encoding(false), ct);
                Console.Error.WriteLine($"Wrote {processKey} version {number} to {file.FullName}.");
            }
            else
            {
                Console.Out.Write(text);
            }
            return ExitCodes.Ok;
        }, ct, quiet: parseResult.GetValue(output) is null));
        return command;
    }

    static Command Diff()
    {
        var key = new Argument<string>("key") { Description = "The process key." };
        var from = new Argument<int>("v1") { Description = "The older version." };
        var to = new Argument<int>("v2") { Description = "The newer version." };
        var command = new Command("diff", "List what changed between two versions of a process.") { key, from, to };
        command.SetAction((parseResult, ct) => DatabaseCommand.RunAsync(parseResult, async (db, _, ct) =>
        {
            var processKey = parseResult.GetValue(key)!;
            var (v1, v2) = (parseResult.GetValue(from), parseResult.GetValue(to));
            var older = await ProcessLibrary.DefinitionAsync(db, processKey, v1, ct);
            var newer = await ProcessLibrary.DefinitionAsync(db, processKey, v2, ct);
            if (older is null || newer is null) return Fail($"process '{processKey}' has no version {(older is null ? v1 : v2)}.");
            var changes = ProcessDiff.Compare(older, newer);
            Console.WriteLine(changes.Count == 0 ? $"{processKey}: versions {v1} and {v2} are the same." : $"{processKey}: {v1} → {v2}, {changes.Count} change(s)");
            foreach (var change in changes) Console.WriteLine($"  {Sign(change.Kind)} {change.Summary}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    static Command Publish()
    {
        var key = new Argument<string>("key") { Description = "The process key." };
        var version = new Argument<int>("version") { Description = "The draft version to publish." };
        var command = new Command("publish", "Publish a draft: it becomes immutable and the version the catalog offers.") { key, version, As };
        command.SetAction((parseResult, ct) => DatabaseCommand.RunAsync(parseResult, async (db, _, ct) =>
        {
            if (await AuthorAsync(db, parseResult.GetValue(As)!, ct) is not { } author) return ExitCodes.BadInput;
            return await PublishAsync(db, parseResult.GetValue(key)!, parseResult.GetValue(version), author, ct);
        }, ct));
        return command;
    }

    static async Task<int> PublishAsync(FlowdeskDb db, string key, int number, Guid author, CancellationToken ct)
    {
        var published = await ProcessLibrary.PublishAsync(db, key, number, author, TimeProvider.System.GetUtcNow(), ct);
        switch (published.Refusal)
        {
            case "not_found": return Fail($"process '{key}' has no version {number}.");
            case "already_published": return Fail($"version {number} of '{key}' is already published; import a new draft instead.");
        }
        if (!published.Ok) return Report($"{key} v{number}", published.Errors);
        await db.SaveChangesAsync(ct);
        Console.WriteLine($"Published {key} version {number}.");
        return ExitCodes.Ok;
    }

    /// <summary>Reads the file within the document limit; null (after saying why) when it cannot.</summary>
    static async Task<DocumentParse?> ReadAsync(FileInfo file, CancellationToken ct)
    {
        if (!file.Exists)
        {
            Fail($"{file.FullName}: no such file.");
            return null;
        }
        if (file.Length > DocumentLimits.MaxBytes)
        {
            Fail($"{file.Name}: {DocumentMessages.Format("process.document_too_large", DocumentLimits.MaxBytes / 1024)}");
            return null;
        }
        var text = await File.ReadAllTextAsync(file.FullName, Encoding.UTF8, ct);
        return ProcessDocuments.FromFile(file.Name, text);
    }

    static async Task<Guid?> AuthorAsync(FlowdeskDb db, string userName, CancellationToken ct)
    {
        var normalized = userName.ToUpperInvariant();
        var id = await db.Users.Where(u => u.NormalizedUserName == normalized).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct);
        if (id is null) Fail($"there is no user '{userName}' (choose the author with --as).");
        return id;
    }

    static int Report(string source, IReadOnlyList<DocumentError> errors)
    {
        foreach (var error in errors.OrderBy(e => e.Line ?? int.MaxValue).ThenBy(e => e.Column))
        {
            var where = error.Line is { } line ? $"{source}:{line}:{error.Column ?? 1}" : source;
            var path = error.Path.Length > 0 ? $" {error.Path}:" : "";
            Console.Error.WriteLine($"{where}:{path} {error.Message}");
        }
        Console.Error.WriteLine($"flowdesk: {errors.Count} error(s); nothing was saved.");
        return ExitCodes.BadInput;
    }

    static string Sign(ChangeKind kind) => kind switch
    {
        ChangeKind.Added => "+",
        ChangeKind.Removed => "-",
        ChangeKind.Changed => "~",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    static int Fail(string message)
    {
        Console.Error.WriteLine($"flowdesk: {message}");
        return ExitCodes.BadInput;
    }
}
