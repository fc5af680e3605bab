package io.pocketgrid.portal.volunteer;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface VolunteerRepository extends JpaRepository<Volunteer, Long> {

    Optional<Volunteer> findByTokenSha256(String tokenSha256);

    Optional<Volunteer> findByPublicId(String publicId);
}
