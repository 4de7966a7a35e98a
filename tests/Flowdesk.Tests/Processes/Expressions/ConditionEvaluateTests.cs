using System.Text.Json.Nodes;
using Flowdesk.Processes.Expressions;

namespace Flowdesk.Tests.Processes.Expressions;

public sealed class ConditionEvaluateTests
{
    /// <summary>Paths resolve through a nested JSON document: "form.amount" → document.form.amount.</summary>
    sealed class DocumentScope(string json) : IConditionScope
    {
        readonly JsonObject document = JsonNode.Parse(json)!.AsObject();

        public JsonNode? Resolve(string path)
        {
            JsonNode? node = document;
            foreach (var part in path.Split('.'))
                if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node)) return null;
            return node;
        }
    }

    static readonly DocumentScope Ticket = new("""
        {
          "form": {
            "amount": 6000, "model": "developer", "needs_laptop": true, "tags": ["vpn", "mail"], "empty": "", "zero": 0,
            "no_tags": [], "start": "2025-03-31", "at": "2025-03-31T09:00:00+08:00", "none": null,
            "note": "Urgent: VPN down", "quote": "it's", "chinese": "中", "off": false, "obj": { "a": 1 }
          },
          "ticket": { "priority": "p1", "status": "new" },
          "requester": { "department": "Finance" },
          "tasks": { "open": 2 }
        }
        """);

    public static TheoryData<string, bool> TruthTable => new()
    {
        // numbers
        { "form.amount > 5000", true },
        { "form.amount >= 6000", true },
        { "form.amount < 6000", false },
        { "form.amount <= 6000", true },
        { "form.amount == 6000", true },
        { "form.amount == 6000.0", true },
        { "form.amount == 6e3", true },
        { "form.amount != 6000", false },
        { "form.amount > -1", true },
        { "form.amount in [1000, 6000]", true },
        // text against a number is never true, != included
        { "form.amount == '6000'", false },
        { "form.amount != '6000'", false },
        { "form.amount > 'abc'", false },
        { "form.model < 1", false },
        // strings
        { "form.model == 'developer'", true },
        { "form.model == \"developer\"", true },
        { "form.model == 'Developer'", false },
        { "form.model != 'standard'", true },
        { "form.model > 'd'", true },
        { "form.quote == 'it\\'s'", true },
        { "form.quote == \"it's\"", true },
        { "form.chinese == '\\u4e2d'", true },
        { "form.chinese == '中'", true },
        { "form.note contains 'vpn'", true },
        { "form.note contains 'wifi'", false },
        // truthiness
        { "form.needs_laptop", true },
        { "!form.needs_laptop", false },
        { "form.needs_laptop == true", true },
        { "form.off", false },
        { "form.empty", false },
        { "form.zero", false },
        { "form.amount", true },
        { "form.tags", true },
        { "form.no_tags", false },
        { "form.obj", true },
        { "form.missing", false },
        { "!form.missing", true },
        { "true", true },
        { "false", false },
        { "null", false },
        { "'text'", true },
        // null and missing
        { "form.missing == null", true },
        { "form.none == null", true },
        { "form.model == null", false },
        { "form.model != null", true },
        { "form.missing != 'x'", true },
        { "form.missing == 'x'", false },
        { "form.missing > 5", false },
        { "form.missing < 5", false },
        { "form.missing in ['x']", false },
        { "form.missing contains 'x'", false },
        { "'x' in form.missing", false },
        { "form.obj == 'x'", false },
        // lists
        { "form.tags contains 'vpn'", true },
        { "form.tags contains 'wifi'", false },
        { "form.tags contains 1", false },
        { "'vpn' in form.tags", true },
        { "'wifi' in form.tags", false },
        { "form.tags == ['vpn', 'mail']", true },
        { "form.tags == ['mail', 'vpn']", false },
        { "ticket.priority in ['p1', 'p2']", true },
        { "ticket.priority in ['p3']", false },
        { "ticket.priority in []", false },
        { "ticket.priority in form.tags", false },
        // dates compare as instants
        { "form.start < '2025-04-01'", true },
        { "form.start == '2025-03-31'", true },
        { "form.at < '2025-03-31T02:00:00Z'", true },
        { "form.at == '2025-03-31T01:00:00Z'", true },
        { "form.at == '2025-03-31T01:00:00.000+00:00'", true },
        { "form.at > form.start", true },
        { "form.at >= '2025-04-01'", false },
        // logic and precedence
        { "ticket.priority in ['p1'] && requester.department != 'Finance'", false },
        { "ticket.priority in ['p1'] || requester.department != 'Finance'", true },
        { "!(form.amount > 5000)", false },
        { "!form.amount > 5000", false },
        { "false && false || true", true },
        { "true || false && false", true },
        { "!false && false", false },
        { "!!true", true },
        { "(form.amount > 5000) == true", true },
        { "tasks.open > 0 && ticket.status == 'new'", true },
        { "tasks.open == 2 && (ticket.status == 'resolved' || form.needs_laptop)", true },
    };

    [Theory]
    [MemberData(nameof(TruthTable))]
    public void Evaluate_GivesTheTruthTableAnswer(string text, bool expected)
    {
        var parse = Condition.Parse(text);
        Assert.True(parse.Ok, parse.Error);

        Assert.Equal(expected, parse.Condition!.Evaluate(Ticket));
    }

    sealed class BrokenScope : IConditionScope
    {
        public JsonNode? Resolve(string path) => throw new InvalidOperationException("no ticket");
    }

    sealed class OddScope : IConditionScope
    {
        // Values built in code rather than parsed: decimals, DateTimeOffset, a deep array.
        public JsonNode? Resolve(string path) => path switch
        {
            "form.decimal" => JsonValue.Create(5000.5m),
            "form.instant" => JsonValue.Create(new DateTimeOffset(2025, 3, 31, 1, 0, 0, TimeSpan.Zero)),
            "form.deep" => JsonNode.Parse(string.Concat(Enumerable.Repeat("[", 60)) + string.Concat(Enumerable.Repeat("]", 60))),
            _ => null,
        };
    }

    [Theory]
    [InlineData("form.a == 'x'")]
    [InlineData("form.a")]
    [InlineData("!form.a == 'x'")]
    public void Evaluate_ScopeThatFails_IsAMissingValueNotAnException(string text)
    {
        var condition = Condition.Parse(text).Condition!;

        var result = condition.Evaluate(new BrokenScope());

        Assert.Equal(text.StartsWith('!'), result);
    }

    [Theory]
    [InlineData("form.decimal > 5000", true)]
    [InlineData("form.decimal == 5000.5", true)]
    [InlineData("form.instant == '2025-03-31T09:00:00+08:00'", true)]
    [InlineData("form.deep", true)]
    [InlineData("form.deep == 1", false)]
    public void Evaluate_ValuesBuiltInCode_AreReadLikeParsedOnes(string text, bool expected)
    {
        Assert.Equal(expected, Condition.Parse(text).Condition!.Evaluate(new OddScope()));
    }

    [Fact]
    public void ConditionValues_ReadsFormAndOtherPaths()
    {
        var scope = new ConditionValues(new Dictionary<string, JsonNode?> { ["ticket.priority"] = "p2" }, new JsonObject { ["amount"] = 10 });

        Assert.True(Condition.Parse("ticket.priority == 'p2' && form.amount == 10 && !requester.department").Condition!.Evaluate(scope));
    }
}
