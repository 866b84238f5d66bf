// Swagger UI for /docs, from the vendored bundle: no CDN, no inline script (the CSP allows neither).
// A signed-in console session sends its CSRF token with every request made from "Try it out".
(function () {
  "use strict";
  var body = document.body;
  SwaggerUIBundle({
    url: body.dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: function (request) {
      if (body.dataset.csrf) {
        request.headers[body.dataset.csrfHeader] = body.dataset.csrf;
      }
      return request;
    }
  });
})();
