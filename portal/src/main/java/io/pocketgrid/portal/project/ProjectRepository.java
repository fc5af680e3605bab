package io.pocketgrid.portal.project;

import org.springframework.data.jpa.repository.JpaRepository;

interface ProjectRepository extends JpaRepository<Project, Long> {

    boolean existsByModelSha256(String modelSha256);
}
