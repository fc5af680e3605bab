package io.pocketgrid.portal.volunteer;

import io.pocketgrid.portal.api.ClientAddress;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class VolunteerController {

    private final VolunteerService service;
    private final ClientAddress clients;

    VolunteerController(VolunteerService service, ClientAddress clients) {
        this.service = service;
        this.clients = clients;
    }

    /** This browser's own figures, for its contribute panel. */
    @GetMapping("/api/v1/volunteers/me")
    VolunteerService.Figures me(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth) {
        return service.figures(service.authenticate(auth));
    }

    /**
     * Registers an anonymous volunteer. No body is needed; one that is sent must be JSON (an object,
     * ignored), like every JSON endpoint's: anything else is 400 INVALID_JSON.
     */
    @PostMapping("/api/v1/volunteers")
    @ResponseStatus(HttpStatus.CREATED)
    VolunteerService.Registration register(HttpServletRequest request,
                                           @RequestBody(required = false) java.util.Map<String, Object> ignored) {
        return service.register(clients.exempt(request) ? null : clients.of(request));
    }
}
