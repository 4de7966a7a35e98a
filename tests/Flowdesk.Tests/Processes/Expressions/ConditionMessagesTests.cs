using Flowdesk.Processes.Expressions;

namespace Flowdesk.Tests.Processes.Expressions;

public sealed class ConditionMessagesTests
{
    public static TheoryData<string> Codes => new(ConditionMessages.English.Keys);

    [Theory]
    [MemberData(nameof(Codes))]
    public void EveryConditionError_HasTheSameEnglishTextInResx_AndAChineseTextWithTheSamePlaceholders(string code)
    {
        Assert.Equal(ConditionMessages.English[code], MessageTexts.English[code]);
        Assert.True(MessageTexts.Chinese.TryGetValue(code, out var chinese), $"{code} has no zh-CN text");
        Assert.NotEqual(MessageTexts.English[code], chinese);
        Assert.Equal(MessageTexts.Placeholders(MessageTexts.English[code]), MessageTexts.Placeholders(chinese));
    }
}
