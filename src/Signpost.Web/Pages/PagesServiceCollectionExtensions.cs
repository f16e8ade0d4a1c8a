using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages;

public static class PagesServiceCollectionExtensions
{
    /// <summary>The Razor pages, which folder needs which sign-in or role, and the anti-forgery check on their forms.</summary>
    public static IServiceCollection AddSignpostPages(this IServiceCollection services)
    {
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = FormGuard.CookieName;
            options.FormFieldName = FormGuard.FieldName;
        });
        services.AddRazorPages(options =>
        {
            options.Conventions.AddPageRoute("/SignIn", "o/{slug}");
            options.Conventions.AuthorizeFolder("/Account");
            options.Conventions.AllowAnonymousToPage("/Account/ChangePassword");
            options.Conventions.AuthorizePage("/Index");
            options.Conventions.AuthorizeFolder("/Support", Authorization.SupportPolicy);
            options.Conventions.AuthorizeFolder("/Admin");
            options.Conventions.AuthorizeFolder("/Platform", Authorization.PlatformAdminPolicy);
            options.Conventions.AuthorizePage("/Admin/CredentialAudit");
        });
        services.AddScoped<FormGuard>();
        return services;
    }
}
