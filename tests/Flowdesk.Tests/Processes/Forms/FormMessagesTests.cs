using Flowdesk.Processes.Forms;
using Flowdesk.Tests.Processes.Expressions;

namespace Flowdesk.Tests.Processes.Forms;

public sealed class FormMessagesTests
{
    public static TheoryData<string> Codes => new(FormMessages.English.Keys);

    [Theory]
    [MemberData(nameof(Codes))]
    public void EveryFormError_HasTheSameEnglishTextInResx_AndAChineseTextWithTheSamePlaceholders(string code)
    {
        Assert.Equal(FormMessages.English[code], MessageTexts.English[code]);
        Assert.True(MessageTexts.Chinese.TryGetValue(code, out var chinese), $"{code} has no zh-CN text");
        Assert.NotEqual(MessageTexts.English[code], chinese);
        Assert.Equal(MessageTexts.Placeholders(MessageTexts.English[code]), MessageTexts.Placeholders(chinese));
    }
}
