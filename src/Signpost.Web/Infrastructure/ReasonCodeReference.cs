using System.Text;
using Signpost.Core.Reasons;

namespace Signpost.Web.Infrastructure;

/// <summary>Renders <c>docs/reason-codes.md</c> from the catalogue; a test keeps the committed file equal to it.</summary>
public static class ReasonCodeReference
{
    public static string Render()
    {
        var md = new StringBuilder();
        md.Append("# Reason codes\n\n");
        md.Append("Generated from `src/Signpost.Core/Reasons/ReasonCatalogue.cs` by `signpost docs reason-codes`; do not edit by hand.\n");
        md.Append("Each code also has a help page at `/help/codes/{code}`, and API problems carry it as `code` with the help page as `type`.\n\n");
        md.Append("**Who sees it**: *anyone* — shown to whoever it happens to; *password proven* — shown only after the correct password, otherwise the public code; ");
        md.Append("*trusted device* — shown only to a browser holding the account's trusted-device cookie (and in the unlock email), otherwise the public code.\n\n");
        md.Append("| code | category | title | who sees it | public code | HTTP |\n|---|---|---|---|---|---|\n");
        foreach (var r in ReasonCatalogue.All)
        {
            md.Append($"| [`{r.Code}`](#{r.Code}) | {r.Category} | {r.Title} | {Visibility(r)} | `{r.PublicCode}` | {r.HttpStatus} |\n");
        }

        foreach (var r in ReasonCatalogue.All)
        {
            md.Append($"\n## {r.Code}\n\n");
            md.Append($"**{r.Title}** ({r.Category}; {Visibility(r)}; HTTP {r.HttpStatus})\n\n");
            md.Append($"- **Message shown:** {r.UserMessage}\n");
            md.Append($"- **Probable cause:** {r.ProbableCause}\n");
            md.Append($"- **Immediate action:** {r.ImmediateAction}\n");
            md.Append($"- **Escalate:** {r.Escalation}\n");
            md.Append($"- **Help page:** `{r.HelpPath}`\n");
        }

        return md.ToString();
    }

    private static string Visibility(Reason r) => r.Visibility switch
    {
        ReasonVisibility.Anyone => "anyone",
        ReasonVisibility.PasswordProven => "password proven",
        _ => "trusted device",
    };
}
