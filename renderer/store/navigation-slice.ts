/** The `navigation` slice: which screen the app frame shows. */
import type { StateCreator } from 'zustand';
import type { MeshState } from './mesh-store';

/** The screens this build has (DESIGN.md section 8); each has one file under renderer/screens. */
export const screenIds = ['onboarding', 'about'] as const;
export type ScreenId = (typeof screenIds)[number];

// ---- state
export interface NavigationState {
  readonly screen: ScreenId;
}

export const initialNavigationState: NavigationState = { screen: 'onboarding' };

// ---- actions
export interface NavigationActions {
  readonly showScreen: (screen: ScreenId) => void;
}

export type NavigationSlice = NavigationState & NavigationActions;

/** The slice. */
export const createNavigationSlice: StateCreator<MeshState, [], [], NavigationSlice> = (set) => ({
  ...initialNavigationState,
  showScreen: (screen) => set({ screen }),
});

// ---- selectors
export const selectScreen = (state: MeshState): ScreenId => state.screen;
export const selectShowScreen = (state: MeshState): NavigationActions['showScreen'] =>
  state.showScreen;
