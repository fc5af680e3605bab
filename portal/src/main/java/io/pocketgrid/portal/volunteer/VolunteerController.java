package io.pocketgrid.portal.volunteer;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class VolunteerController {

    private final VolunteerService service;

    VolunteerController(VolunteerService service) {
        this.service = service;
    }

    @PostMapping("/api/v1/volunteers")
    @ResponseStatus(HttpStatus.CREATED)
    VolunteerService.Registration register() {
        return service.register();
    }
}
